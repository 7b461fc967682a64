import type { Browser } from "@playwright/test";
import { expect, test, watchContext } from "./fixtures";
import {
  ADMIN,
  api,
  createVfVm,
  ensureSplit,
  login,
  seeded,
  sriovNetwork,
  unique,
} from "./helpers";

// Issues 16 and 17 on the VM page and the L3 page: the VF port dialog (the tenant's link state,
// trust greyed out with the policy's reason until the admin allows it, desired against observed)
// and the "migratable" toggles of a NIC (only while stopped) and of an L3 (only with SR-IOV).

const TENANT = { username: "tenant", password: "demo-tenant" } as const;
const SHOTS = "/work/shots/nicspec";

/** As admin: an SR-IOV L3 on a fresh Vlan L2 on kvm-02's ens1f0, and the tenant's running VM on it. */
async function vmWithVfNic(browser: Browser) {
  const context = await browser.newContext();
  watchContext(context);
  const page = await context.newPage();
  try {
    await login(page, ADMIN);
    const admin = api(page.request);
    await ensureSplit(admin, "kvm-02", "ens1f0", 16);
    const seed = await seeded(admin);
    const { l2, l3 } = await sriovNetwork(admin, seed, "e2e-port", "ens1f0");
    const { vm, vmName } = await createVfVm(admin, seed, "e2e-port", l3.id, 1);
    return { admin, l2, l3, vm, vmName, close: () => context.close() };
  } catch (error) {
    await context.close();
    throw error;
  }
}

test("tenant sets a VF's link state in the port dialog; trust is greyed out with the policy's reason until the admin allows it; desired and observed are shown", async ({
  page,
  browser,
}) => {
  test.setTimeout(150_000);
  const setup = await vmWithVfNic(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page, TENANT);
  await page.goto(`/vms/${setup.vm.id}`);
  await expect(page.getByTestId("vm-title")).toContainText("Running", { timeout: 45_000 });
  const row = page.locator('[data-testid="vm-nic-row"][data-nic="eth0"]');

  await row.getByRole("button", { name: "Actions for eth0" }).click();
  await page.getByTestId("nic-action-port").click();
  const dialog = page.getByRole("dialog", { name: "VF port of eth0" });
  const trust = dialog.getByLabel(/^Trusted/);
  // The L2 does not allow trust (the default): greyed out, with the reason from core.
  await expect(trust).toBeDisabled();
  await expect(dialog.locator(".disabled-reason").first()).toContainText(setup.l2.name);
  await page.screenshot({ path: `${SHOTS}/vf-port-dialog-1440.png`, fullPage: true });
  await dialog.getByTestId("vf-port-link-state").selectOption("disable");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId("nic-vf-port")).toContainText("link disable");
  // The host follows at once (host.syncVfPorts); what it read back is stored and shown.
  await expect(row.getByTestId("nic-vf-port-observed")).toContainText("link disable", {
    timeout: 30_000,
  });
  await expect(row.getByTestId("nic-vf-port-observed")).not.toContainText("drift");

  // The admin allows trust on the L3: the tenant may now ask for it.
  await setup.admin.mutate("networks.l3.update", { l3Id: setup.l3.id, vfAllowTrust: true });
  await page.reload();
  await row.getByRole("button", { name: "Actions for eth0" }).click();
  await page.getByTestId("nic-action-port").click();
  await expect(dialog.getByLabel(/^Trusted/)).toBeEnabled();
  await expect(dialog.getByTestId("vf-port-link-state")).toHaveValue("disable");
  // Desired against observed in the dialog too, with core's drift: the e810 keeps the link
  // state as asked and does not report query_rss (absent, not "off", and no drift at default).
  const state = dialog.getByTestId("vf-port-state");
  await expect(state.getByTestId("vf-port-state-read")).toContainText(
    "Read back by the host agent",
  );
  const linkRow = state.locator('tr[data-setting="linkState"]');
  await expect(linkRow).toHaveAttribute("data-drift", "no");
  await expect(linkRow.locator("td").nth(1)).toHaveText("disable");
  await expect(linkRow.locator("td").nth(2)).toHaveText("disable");
  const rssRow = state.locator('tr[data-setting="queryRss"]');
  await expect(rssRow.locator("td").nth(1)).toHaveText("off");
  await expect(rssRow.locator("td").nth(2)).toHaveText("not reported by the driver");
  await expect(rssRow).toHaveAttribute("data-drift", "no");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/vf-port-dialog-390.png`, fullPage: true });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  // At 390 px the NIC is a card: the table does not scroll sideways, and its VF and its actions
  // lie within the page's width rather than off its right edge.
  const nicTable = page.getByTestId("vm-nic-table");
  const overflow = await nicTable.evaluate((table) => {
    const wrap = table.parentElement;
    return wrap === null ? 0 : wrap.scrollWidth - wrap.clientWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);
  for (const part of [
    row.getByTestId("nic-vf-pci"),
    row.getByRole("button", { name: "Actions for eth0" }),
  ]) {
    const box = await part.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
  }
  await setup.close();
});

test("a VF NIC is made migratable only while its VM is stopped, and an L3's profile only with SR-IOV, each greyed out with core's reason", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const setup = await vmWithVfNic(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page, ADMIN);
  await page.goto(`/vms/${setup.vm.id}`);
  const title = page.getByTestId("vm-title");
  await expect(title).toContainText("Running", { timeout: 45_000 });
  const row = page.locator('[data-testid="vm-nic-row"][data-nic="eth0"]');
  const toggle = row.getByTestId("nic-migratable-toggle");
  await expect(toggle).toBeDisabled();
  await expect(toggle).not.toBeChecked();
  await expect(row.getByTestId("nic-migratable-reason")).toContainText(
    "only while the VM is stopped",
  );
  await page.screenshot({ path: `${SHOTS}/nic-migratable-running-1440.png`, fullPage: true });

  await page.getByTestId("vm-action-stop").click();
  await page
    .getByRole("dialog", { name: /^Stop / })
    .getByRole("button", { name: "Stop" })
    .click();
  await expect(title).toContainText("Stopped", { timeout: 45_000 });
  await expect(toggle).toBeEnabled();
  await expect(row.getByTestId("nic-migratable-reason")).toHaveCount(0);
  // The box follows the stored value, so it ticks once the change is saved.
  await toggle.click();
  await expect(toggle).toBeChecked();
  // Stored: after a reload the NIC is still migratable (its partner comes with the next start).
  await page.reload();
  await expect(toggle).toBeChecked({ timeout: 20_000 });
  await page.screenshot({ path: `${SHOTS}/nic-migratable-stopped-1440.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/nic-migratable-stopped-390.png`, fullPage: true });

  // The L3's profile: on, then off; an L3 without SR-IOV cannot be made migratable.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/networks/l3/${setup.l3.id}`);
  const panel = page.getByTestId("l3-migratable");
  await expect(panel.getByTestId("l3-migratable-state")).toContainText("Not migratable");
  await panel.getByTestId("l3-migratable-toggle").click();
  await expect(panel.getByTestId("l3-migratable-state")).toContainText("Migratable:");
  await page.screenshot({ path: `${SHOTS}/l3-migratable-1440.png`, fullPage: true });
  await panel.getByTestId("l3-migratable-toggle").click();
  await expect(panel.getByTestId("l3-migratable-state")).toContainText("Not migratable");
  const plain = await setup.admin.mutate("networks.l3.create", {
    l2Id: setup.l2.id,
    name: unique("e2e-port-plain"),
    category: "Flat",
    sriovEnabled: false,
    ipRanges: [{ cidr: `10.${1 + Math.floor(Math.random() * 250)}.252.0/24` }],
  });
  await page.goto(`/networks/l3/${plain.id}`);
  const refused = page.getByTestId("l3-migratable").getByTestId("l3-migratable-toggle");
  await expect(refused).toBeDisabled();
  await expect(page.getByTestId("l3-migratable-reason")).toContainText("has no SR-IOV");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/l3-migratable-refused-390.png`, fullPage: true });
  await setup.close();
});
