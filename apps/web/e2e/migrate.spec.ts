import { expect, test, watchContext } from "./fixtures";
import {
  ADMIN,
  api,
  createVfVm,
  ensureSplit,
  login,
  required,
  seeded,
  sriovNetwork,
} from "./helpers";

// Issue 17: a running VM with two migratable VF NICs is live-migrated from its page; the page
// shows the phases (claim, unplug, migrate, plug, done) and the VM ends on the other host with a
// VF there for each NIC.

const DEST = "e2e-migrate-dest";

test("admin live-migrates a VM with two migratable VF NICs from its page and sees the phases", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const context = await browser.newContext();
  watchContext(context);
  const setup = await context.newPage();
  await login(setup, ADMIN);
  const admin = api(setup.request);
  const seed = await seeded(admin);
  // A second host like kvm-01 (i350 + 82599) in cluster-a, from the stack's migration agent.
  const known = await admin.query("hosts.list", { search: DEST });
  if (!known.items.some((h: { name: string }) => h.name === DEST)) {
    await admin.mutate("hosts.add", {
      name: DEST,
      clusterId: seed.cluster.id,
      agentUrl: required("VIRTFN_E2E_MIGRATE_AGENT_URL"),
      agentToken: required("VIRTFN_E2E_SPARE_AGENT_TOKEN"),
      scanIommu: true,
    });
  }
  await expect
    .poll(
      async () =>
        (await admin.query("hosts.list", { search: DEST })).items.find(
          (h: { name: string }) => h.name === DEST,
        )?.connectionState,
      { timeout: 45_000 },
    )
    .toBe("Connected");
  await ensureSplit(admin, "kvm-01", "p1p2", 8);
  await ensureSplit(admin, DEST, "p1p2", 8);
  const { l3 } = await sriovNetwork(admin, seed, "e2e-mig", "p1p2");
  // The L3's SR-IOV profile is migratable: its VF NICs get a virtio failover partner.
  await admin.mutate("networks.l3.setMigratable", { l3Id: l3.id, migratable: true });
  const { vm, vmName } = await createVfVm(admin, seed, "e2e-mig", l3.id, 2);
  await context.close();

  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page, ADMIN);
  await page.goto(`/vms/${vm.id}`);
  const title = page.getByTestId("vm-title");
  await expect(title).toContainText("Running", { timeout: 45_000 });
  const source = (await page.getByTestId("vm-host").textContent()) ?? "";
  const destination = source === "kvm-01" ? DEST : "kvm-01";
  const pcis = async () =>
    page.locator('[data-testid="vm-nic-row"]').getByTestId("nic-vf-pci").allTextContents();
  const before = await pcis();
  expect(before).toHaveLength(2);

  // Migrate is enabled: both VF NICs are migratable (R9 lets them through).
  const migrate = page.getByTestId("vm-action-migrate");
  await expect(migrate).toBeEnabled();
  await page.screenshot({ path: "/work/shots/migrate/vm-before-1440.png", fullPage: true });
  await migrate.click();
  const dialog = page.getByRole("dialog", { name: `Migrate ${vmName}?` });
  await expect(dialog).toContainText("a VF is claimed on the destination for every VF NIC");
  const target = dialog.getByLabel("Target host");
  await expect(target.locator("option", { hasText: destination })).toHaveCount(1);
  await target.selectOption({ label: destination });
  await page.screenshot({ path: "/work/shots/migrate/migrate-dialog-1440.png", fullPage: true });
  await dialog.getByRole("button", { name: "Migrate" }).click();

  // The page follows the phases until the run is done.
  const phases = page.getByTestId("migration-phases");
  await expect(phases).toBeVisible({ timeout: 20_000 });
  await expect(phases).toContainText(`Live migration to ${destination}`);
  await expect(phases.getByTestId("migration-step-Claimed")).toHaveAttribute("data-state", "done");
  await expect(phases).toHaveAttribute("data-phase", "Done", { timeout: 45_000 });
  for (const step of ["Claimed", "Unplugged", "Migrated", "Plugged", "Done"]) {
    await expect(phases.getByTestId(`migration-step-${step}`)).toHaveAttribute(
      "data-state",
      "done",
    );
  }
  await expect(page.getByTestId("vm-host")).toHaveText(destination, { timeout: 20_000 });
  await expect(title).toContainText("Running");
  // Each NIC holds a VF on the destination now (the two hosts are alike, so the addresses may
  // repeat: the host is what changed).
  const after = await pcis();
  expect(after).toHaveLength(2);
  for (const pci of after) expect(pci).toMatch(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/);
  await page.screenshot({ path: "/work/shots/migrate/vm-after-1440.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/work/shots/migrate/vm-after-390.png", fullPage: true });
});
