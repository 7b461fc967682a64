import type { Locator, Page } from "@playwright/test";
import { expect, test, watchContext } from "./fixtures";
import { ADMIN, api, login, unique } from "./helpers";

// Maintenance mode as an admin sees it, and a tenant's create form withholding its VFs with the
// reason. Uses the demo's SR-IOV network (prod-sriov: VLAN 100 on kvm-01's p1p1, split at stack
// start), which only kvm-01 can serve; kvm-01 leaves maintenance at the end whatever happens.

const TENANT = { username: "tenant", password: "demo-tenant" } as const;

async function pick(select: Locator, prefix: string) {
  const option = select.locator("option").filter({ hasText: new RegExp(`^${prefix}\\b`) });
  await expect(option).toHaveCount(1);
  await select.selectOption((await option.getAttribute("value")) ?? "");
}

/** Fills the create form for a VM with one VF NIC on prod-sriov and submits it. */
async function submitCreate(page: Page, name: string) {
  await page.goto("/vms/new");
  const form = page.getByRole("form", { name: "Create VM" });
  await expect(form.getByLabel("Project")).toHaveValue(/[0-9a-f-]{36}/);
  await form.getByLabel("Name").fill(name);
  await pick(form.getByLabel("Instance offering"), "small");
  await pick(form.getByLabel("Image"), "debian-12");
  const nic = form.getByTestId("nic-draft").first();
  await pick(nic.getByLabel("L3 network for eth0"), "prod-sriov");
  await nic.getByLabel("Enable SR-IOV").check();
  await form.getByRole("button", { name: "Create VM" }).click();
  return form;
}

test("admin puts a host into maintenance (its VMs listed), the create form withholds its VFs with the reason, and the host leaves maintenance", async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  const tenantContext = await browser.newContext();
  watchContext(tenantContext);
  const tenant = await tenantContext.newPage();
  await login(page, ADMIN);
  const admin = api(page.request);
  const hosts = await admin.query("hosts.list", { search: "kvm-01" });
  const host = hosts.items.find((h: { name: string }) => h.name === "kvm-01");
  expect(host, "kvm-01 is seeded").toBeTruthy();
  try {
    // A VM with a VF on kvm-01, created by the tenant before the maintenance.
    const vmName = unique("e2e-mnt");
    await login(tenant, TENANT);
    await submitCreate(tenant, vmName);
    await expect(tenant).toHaveURL(/\/vms\/[0-9a-f-]{36}$/);
    await expect(tenant.getByTestId("vm-title")).toContainText("Running", { timeout: 45_000 });
    await expect(tenant.getByTestId("vm-host")).toHaveText("kvm-01");
    const vmUrl = tenant.url();

    // The host page: the VM is among the host's VMs, and the allocation counts it.
    await page.goto(`/hosts/${host.id}`);
    const allocation = page.getByTestId("host-allocation");
    await expect(
      allocation.locator(`[data-testid="host-vm-row"][data-vm="${vmName}"]`),
    ).toBeVisible();
    await expect(allocation.getByTestId("usage-cpu")).toContainText(/\d+ of \d+ vCPUs/);
    await expect(
      allocation.locator('[data-testid="vf-state-row"][data-nic="p1p1"] [data-state="Attached"]'),
    ).not.toHaveText("0");

    // Enter maintenance: the confirm lists the VMs that stay.
    await page.getByRole("button", { name: "Enter maintenance" }).click();
    const confirm = page.getByRole("dialog", { name: "Put kvm-01 into maintenance?" });
    await expect(confirm.getByTestId("maintenance-vms")).toContainText(vmName);
    await expect(confirm).toContainText("keep running");
    await confirm.getByRole("button", { name: "Enter maintenance" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByTestId("maintenance-banner")).toContainText("In maintenance");
    await expect(page.getByRole("button", { name: "Leave maintenance" })).toBeEnabled();

    // Only kvm-01 could serve prod-sriov: the create form no longer offers a VF there, and says
    // why in words before anyone submits (the availability totals leave hosts in maintenance out).
    await tenant.goto("/vms/new");
    const form = tenant.getByRole("form", { name: "Create VM" });
    await expect(form.getByLabel("Project")).toHaveValue(/[0-9a-f-]{36}/);
    const nic = form.getByTestId("nic-draft").first();
    await pick(nic.getByLabel("L3 network for eth0"), "prod-sriov");
    await expect(nic.getByLabel("Enable SR-IOV")).toBeDisabled();
    await expect(nic.getByTestId("sriov-0-reason")).toContainText("kvm-01");
    await expect(nic.getByTestId("sriov-0-reason")).toContainText("maintenance");

    // The VM already there keeps running.
    await tenant.goto(vmUrl);
    await expect(tenant.getByTestId("vm-title")).toContainText("Running");

    // The L2 page says it too, per host.
    await page.goto("/networks/l2");
    await page.getByRole("link", { name: "prod-vlan100" }).first().click();
    await expect(page.locator('[data-testid="vf-row"][data-host="kvm-01"]')).toHaveAttribute(
      "data-reason",
      "HOST_IN_MAINTENANCE",
    );

    // Leave maintenance.
    await page.goto(`/hosts/${host.id}`);
    await page.getByRole("button", { name: "Leave maintenance" }).click();
    const leave = page.getByRole("dialog", { name: "Take kvm-01 out of maintenance?" });
    await leave.getByRole("button", { name: "Leave maintenance" }).click();
    await expect(page.getByTestId("maintenance-banner")).toBeHidden();
    await expect(page.getByRole("button", { name: "Enter maintenance" })).toBeEnabled();
  } finally {
    const state = await admin.query("hosts.get", { hostId: host.id });
    if (state.maintenance) await admin.mutate("hosts.leaveMaintenance", { hostId: host.id });
    await tenantContext.close();
  }
});
