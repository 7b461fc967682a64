import type { Browser, Locator, Page } from "@playwright/test";
import { expect, test, watchContext } from "./fixtures";
import { ADMIN, api, login, unique } from "./helpers";

const TENANT = { username: "tenant", password: "demo-tenant" } as const;
const PCI = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

// Unique per run and per test, so the tests neither depend on each other nor on their order.
/**
 * As admin, through the API: kvm-02's E810 port ens1f0 split into VFs (once per stack: it stays
 * split; sriov.spec.ts uses kvm-01 em2), and a fresh SR-IOV Vlan L2 on ens1f0 in cluster-a with
 * an SR-IOV L3 on it. Optionally a plain L3 without SR-IOV next to it.
 */
async function prepareSriovL3(browser: Browser, options: { plain?: boolean } = {}) {
  const context = await browser.newContext();
  watchContext(context);
  const page = await context.newPage();
  try {
    await login(page, ADMIN);
    const admin = api(page.request);
    const hosts = await admin.query("hosts.list", { search: "kvm-02" });
    const host = hosts.items.find((h: { name: string }) => h.name === "kvm-02");
    expect(host, "kvm-02 is seeded").toBeTruthy();
    const pfOf = async () =>
      (await admin.query("hosts.get", { hostId: host.id })).nics.find(
        (n: { name: string }) => n.name === "ens1f0",
      );
    const pf = await pfOf();
    expect(pf, "kvm-02 has ens1f0").toBeTruthy();
    if (pf.numVfs === 0) {
      const { operation } = await admin.mutate("sriov.split", { pfId: pf.id, count: 16 });
      await expect
        .poll(async () => (await admin.query("operations.get", { id: operation.id })).status, {
          timeout: 45_000,
        })
        .toBe("Succeeded");
    }
    await expect.poll(async () => (await pfOf()).vfTotal, { timeout: 20_000 }).toBeGreaterThan(0);

    const zone = (await admin.query("inventory.zones")).find(
      (z: { name: string }) => z.name === "zone-1",
    );
    const cluster = (await admin.query("inventory.clusters", { limit: 200 })).items.find(
      (c: { name: string }) => c.name === "cluster-a",
    );
    const octet = 1 + Math.floor(Math.random() * 250);
    const l2 = await admin.mutate("networks.l2.create", {
      zoneId: zone.id,
      name: unique("e2e-vm-l2"),
      type: "Vlan",
      vlanId: 100 + Math.floor(Math.random() * 3900),
      physicalInterface: "ens1f0",
      sriovEnabled: true,
      clusterIds: [cluster.id],
    });
    const l3Name = unique("e2e-vm-l3");
    await admin.mutate("networks.l3.create", {
      l2Id: l2.id,
      name: l3Name,
      category: "Flat",
      sriovEnabled: true,
      ipRanges: [{ cidr: `10.${octet}.${Math.floor(Math.random() * 250)}.0/24` }],
    });
    let plainName: string | null = null;
    if (options.plain) {
      plainName = unique("e2e-vm-plain");
      await admin.mutate("networks.l3.create", {
        l2Id: l2.id,
        name: plainName,
        category: "Flat",
        sriovEnabled: false,
        ipRanges: [{ cidr: `10.${octet}.251.0/24` }],
      });
    }
    return { l3Name, plainName };
  } finally {
    await context.close();
  }
}

/** Picks the option whose text starts with `prefix` (labels carry details after the name). */
async function pick(select: Locator, prefix: string) {
  const option = select
    .locator("option")
    .filter({ hasText: new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`) });
  await expect(option).toHaveCount(1);
  await select.selectOption((await option.getAttribute("value")) ?? "");
}

async function openCreateForm(page: Page) {
  await page.goto("/vms");
  await page.getByRole("link", { name: "Create VM" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create VM");
  const form = page.getByRole("form", { name: "Create VM" });
  // The tenant has one project: it is preselected.
  await expect(form.getByLabel("Project")).toHaveValue(/[0-9a-f-]{36}/);
  return form;
}

const vfCell = (page: Page) =>
  page.locator('[data-testid="vm-nic-row"][data-nic="eth0"]').getByTestId("nic-vf-pci");

test("tenant creates a VM with Enable SR-IOV, sees its VF released on stop and back on start; Migrate is greyed out while running (R8, R9)", async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  const { l3Name } = await prepareSriovL3(browser);
  const vmName = unique("e2e-vm");

  await login(page, TENANT);
  const form = await openCreateForm(page);
  await form.getByLabel("Name").fill(vmName);
  await pick(form.getByLabel("Instance offering"), "small");
  await pick(form.getByLabel("Image"), "debian-12");
  const nic = form.getByTestId("nic-draft").first();
  const sriov = nic.getByLabel("Enable SR-IOV");
  // Before an L3 is picked the checkbox is greyed out, with the reason next to it.
  await expect(sriov).toBeDisabled();
  await expect(nic.getByTestId("sriov-0-reason")).toHaveText("Pick an L3 network first.");
  await pick(nic.getByLabel("L3 network for eth0"), l3Name);
  await expect(sriov).toBeEnabled();
  await sriov.check();
  await form.getByRole("button", { name: "Create VM" }).click();

  // The VM page follows the vm.create operation until the VM runs.
  await expect(page).toHaveURL(/\/vms\/[0-9a-f-]{36}$/);
  const title = page.getByTestId("vm-title");
  await expect(title).toContainText(vmName);
  await expect(title).toContainText("Running", { timeout: 45_000 });
  const row = page.locator('[data-testid="vm-nic-row"][data-nic="eth0"]');
  await expect(row).toHaveAttribute("data-type", "VF");
  await expect(row).toContainText(l3Name);
  await expect(vfCell(page)).toHaveText(PCI);
  await expect(page.getByTestId("vm-host")).toHaveText("kvm-02");

  // R9: running with a VF, Migrate is disabled and says why.
  const migrate = page.getByTestId("vm-action-migrate");
  await expect(migrate).toBeDisabled();
  await expect(page.getByTestId("vm-why-migrate")).toContainText(
    "cannot be live-migrated while running with VF NIC eth0",
  );
  await expect(migrate).toHaveAttribute("aria-describedby", "vm-why-migrate");
  // R10: the NIC type cannot change while running; its menu entry is greyed out with the reason.
  const nicMenu = row.getByRole("button", { name: "Actions for eth0" });
  const makeVnic = row.getByTestId("nic-action-type");
  await nicMenu.click();
  await expect(makeVnic).toHaveAttribute("aria-disabled", "true");
  await expect(makeVnic.locator(".action-menu-reason")).not.toBeEmpty();
  await page.keyboard.press("Escape");

  // R8: stopping releases the VF; the NIC keeps its type.
  await page.getByTestId("vm-action-stop").click();
  const confirm = page.getByRole("dialog", { name: `Stop ${vmName}?` });
  await expect(confirm).toContainText("released");
  await confirm.getByRole("button", { name: "Stop" }).click();
  await expect(title).toContainText("Stopped", { timeout: 45_000 });
  await expect(vfCell(page)).toHaveText("released");
  await expect(row).toHaveAttribute("data-type", "VF");
  // Stopped, it may migrate (R9) and its NIC type may change (R10).
  await expect(migrate).toBeEnabled();
  await nicMenu.click();
  await expect(makeVnic).toBeVisible();
  await expect(makeVnic).not.toHaveAttribute("aria-disabled", "true");
  await page.keyboard.press("Escape");

  // Starting takes a VF again.
  await page.getByTestId("vm-action-start").click();
  await expect(title).toContainText("Running", { timeout: 45_000 });
  await expect(vfCell(page)).toHaveText(PCI);
  await expect(migrate).toBeDisabled();

  // The list shows it with its NIC summary.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "VMs" }).click();
  await page.getByPlaceholder("Search by name…").fill(vmName);
  const listed = page.locator(`[data-testid="vm-row"][data-vm="${vmName}"]`);
  await expect(listed).toContainText("Running");
  await expect(listed.getByTestId("vm-nics")).toHaveText("1 NIC · 1 VF");
});

test("the create form greys out Enable SR-IOV with the reason on an L3 without SR-IOV, and a tenant sees no admin entries", async ({
  page,
  browser,
  consoleErrors,
}) => {
  // Submitting with missing fields is refused with 400 on purpose (the last step).
  consoleErrors.allow(/Failed to load resource: the server responded with a status of 400/);
  const { l3Name, plainName } = await prepareSriovL3(browser, { plain: true });
  await login(page, TENANT);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Security groups" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "EIPs" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Catalog" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Hosts" })).toHaveCount(0);

  const form = await openCreateForm(page);
  await form.getByRole("button", { name: "Add NIC" }).click();
  const nics = form.getByTestId("nic-draft");
  await expect(nics).toHaveCount(2);

  await pick(nics.nth(0).getByLabel("L3 network for eth0"), plainName ?? "");
  const plain = nics.nth(0).getByLabel("Enable SR-IOV");
  await expect(plain).toBeDisabled();
  await expect(nics.nth(0).getByTestId("sriov-0-reason")).toBeVisible();
  await expect(nics.nth(0).getByTestId("sriov-0-reason")).not.toBeEmpty();
  // The reason is read with the checkbox.
  const why = await nics.nth(0).getByTestId("sriov-0-reason").getAttribute("id");
  await expect(plain).toHaveAttribute("aria-describedby", new RegExp(why ?? "none"));

  await pick(nics.nth(1).getByLabel("L3 network for eth1"), l3Name);
  await expect(nics.nth(1).getByLabel("Enable SR-IOV")).toBeEnabled();
  // The second NIC can be the default route; removing it leaves one NIC.
  await nics.nth(1).getByLabel("Default route").check();
  await nics.nth(1).getByRole("button", { name: "Remove NIC eth1" }).click();
  await expect(nics).toHaveCount(1);

  // Submitting with missing fields shows the server's field errors next to them.
  await form.getByRole("button", { name: "Create VM" }).click();
  await expect(form.getByText("Give the VM a name")).toBeVisible();
  await expect(form.getByText("Pick an instance offering")).toBeVisible();
  await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
});
