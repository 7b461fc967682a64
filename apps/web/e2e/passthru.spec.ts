import { expect, test } from "./fixtures";
import { ADMIN, api, login, network, seeded, unique } from "./helpers";

// Issue 17: kvm-02 (sim profile kvm-e810) has a GPU alone in its IOMMU group (0000:3b:00.0) and
// one that shares its group with an audio function (0000:5e:00.0). An admin marks the first
// assignable from the host page and unmarks it again; the second's button carries core's refusal.
test("admin marks a GPU assignable on the host page; a device sharing its IOMMU group is refused", async ({
  page,
}) => {
  await login(page);
  await page.goto("/hosts");
  await page.getByRole("link", { name: "kvm-02", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("kvm-02");

  const section = page.getByTestId("pci-devices");
  await expect(section.getByRole("heading", { name: /PCI devices/ })).toBeVisible();
  const shared = section.locator('[data-testid="pci-device-row"][data-pci="0000:5e:00.0"]');
  await expect(shared.getByTestId("pci-mark")).toBeDisabled();
  await expect(shared.getByTestId("pci-verdict")).toContainText("IOMMU group 41");

  const gpu = section.locator('[data-testid="pci-device-row"][data-pci="0000:3b:00.0"]');
  await expect(gpu).toContainText("Display / GPU");
  await expect(gpu).toContainText("Not assignable");
  await gpu.getByTestId("pci-mark").click();
  await expect(gpu).toContainText("Available");
  await gpu.getByTestId("pci-unmark").click();
  await expect(gpu).toContainText("Not assignable");
});

// Issue 17: an admin creates a VM with the GPU from the create form. The VM is placed on kvm-02,
// the GPU's host, and holds it once running; the host list counts it held.
test("admin creates a VM with a whole GPU from the create form; it lands on the GPU's host", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await login(page, ADMIN);
  const admin = api(page.request);
  const hosts = await admin.query("hosts.list", { search: "kvm-02" });
  const host = hosts.items.find((h: { name: string }) => h.name === "kvm-02");
  const devices = await admin.query("passthru.hostDevices", { hostId: host.id });
  const gpu = devices.find((d: { pciAddress: string }) => d.pciAddress === "0000:3b:00.0");
  if (!gpu.assignable)
    await admin.mutate("passthru.setAssignable", { pciDeviceId: gpu.id, assignable: true });
  // A vNIC network kvm-02 carries (eno1, cluster-a).
  const seed = await seeded(admin);
  const { l3 } = await network(admin, seed, "e2e-pt", "eno1", "vnic");

  const vmName = unique("e2e-gpu");
  await page.goto("/vms/new");
  const form = page.getByRole("form", { name: "Create VM" });
  const project = form.getByLabel("Project");
  const projectOption = project.locator("option").filter({ hasText: /^demo-project$/ });
  // Read once the projects have loaded; with one project the form picks it and greys the box out.
  const projectId = (await projectOption.getAttribute("value")) ?? "";
  if (await project.isEnabled()) await project.selectOption(projectId);
  else await expect(project).toHaveValue(projectId);
  await form.getByLabel("Name").fill(vmName);
  const choose = async (label: string, text: RegExp) => {
    const select = form.getByLabel(label);
    const option = select.locator("option").filter({ hasText: text });
    await expect(option).toHaveCount(1);
    await select.selectOption((await option.getAttribute("value")) ?? "");
  };
  await choose("Instance offering", /^small\b/);
  await choose("Image", /^debian-12\b/);
  await choose("L3 network for eth0", new RegExp(`^${l3.name}\\b`));
  const picker = form.getByTestId("pci-picker");
  const box = picker.getByLabel(/Display \/ GPU 0000:3b:00\.0 .* on kvm-02/);
  await expect(box).toBeEnabled();
  await box.check();
  await form.getByRole("button", { name: "Create VM" }).click();
  await expect(page).toHaveURL(/\/vms\/[0-9a-f-]{36}$/);
  const vmId = page.url().split("/").at(-1) ?? "";

  await expect
    .poll(async () => (await admin.query("vms.get", { vmId })).state, { timeout: 60_000 })
    .toBe("Running");
  expect((await admin.query("vms.get", { vmId })).hostId).toBe(host.id);
  const given = await admin.query("passthru.vmDevices", { vmId });
  expect(
    given.assigned.map((d: { pciAddress: string; held: boolean }) => [d.pciAddress, d.held]),
  ).toEqual([["0000:3b:00.0", true]]);
  await page.goto("/hosts");
  const row = page
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: "kvm-02", exact: true }) });
  await expect(row).toContainText("1 / 1");

  // Clean up: the VM goes (its device with it), then the GPU is unmarked for the other specs.
  await admin.mutate("vms.delete", { vmId });
  await expect
    .poll(async () => (await admin.query("vms.list", { search: vmName })).items.length, {
      timeout: 60_000,
    })
    .toBe(0);
  await admin.mutate("passthru.setAssignable", { pciDeviceId: gpu.id, assignable: false });
});
