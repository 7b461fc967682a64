import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ADMIN, api, login, unique } from "./helpers";

// Issue 10, item 8: the create form never changes what the user asked for. After a refused
// create the SR-IOV tick stays ticked, the form says why, and pressing Create again asks for a VF
// again instead of quietly creating a vNIC.

const TENANT = { username: "tenant", password: "demo-tenant" } as const;

/** As admin: kvm-05's second CX-5 port split into one VF, and an SR-IOV L2 + L3 on it (cluster-b). */
async function oneVfL3(page: Page): Promise<string> {
  await login(page, ADMIN);
  const admin = api(page.request);
  const hosts = await admin.query("hosts.list", { search: "kvm-05" });
  const host = hosts.items.find((h: { name: string }) => h.name === "kvm-05");
  expect(host, "kvm-05 is seeded").toBeTruthy();
  const pfOf = async () =>
    (await admin.query("hosts.get", { hostId: host.id })).nics.find(
      (n: { name: string }) => n.name === "enp59s0f1np1",
    );
  if ((await pfOf()).numVfs === 0) {
    const { operation } = await admin.mutate("sriov.split", { pfId: (await pfOf()).id, count: 1 });
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
    (c: { name: string }) => c.name === "cluster-b",
  );
  const l2 = await admin.mutate("networks.l2.create", {
    zoneId: zone.id,
    name: unique("e2e-form-l2"),
    type: "NoVlan",
    physicalInterface: "enp59s0f1np1",
    sriovEnabled: true,
    clusterIds: [cluster.id],
  });
  const l3Name = unique("e2e-form-l3");
  await admin.mutate("networks.l3.create", {
    l2Id: l2.id,
    name: l3Name,
    category: "Flat",
    sriovEnabled: true,
    ipRanges: [
      {
        cidr: `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}.0/24`,
      },
    ],
  });
  await page.context().clearCookies();
  return l3Name;
}

async function pick(select: Locator, prefix: string) {
  const option = select
    .locator("option")
    .filter({ hasText: new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`) });
  await expect(option).toHaveCount(1);
  const value = (await option.getAttribute("value")) ?? "";
  await select.selectOption(value);
  return value;
}

test("after a refused create the SR-IOV tick is still ticked", async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  // The refused create answers 409 NO_VF_AVAILABLE on purpose: that is what this test is about.
  consoleErrors.allow(/Failed to load resource: the server responded with a status of 409/);
  const l3Name = await oneVfL3(page);
  const vmName = unique("e2e-refused");

  await login(page, TENANT);
  await page.goto("/vms/new");
  const form = page.getByRole("form", { name: "Create VM" });
  await expect(form.getByLabel("Project")).toHaveValue(/[0-9a-f-]{36}/);
  await form.getByLabel("Name").fill(vmName);
  const offeringId = await pick(form.getByLabel("Instance offering"), "small");
  const imageId = await pick(form.getByLabel("Image"), "debian-12");
  const nic = form.getByTestId("nic-draft").first();
  const l3Id = await pick(nic.getByLabel("L3 network for eth0"), l3Name);
  const sriov = nic.getByLabel("Enable SR-IOV");
  await expect(sriov).toBeEnabled();
  await sriov.check();

  // Someone else takes the L3's only VF before the user presses Create.
  const tenant = api(page.request);
  const projectId = await form.getByLabel("Project").inputValue();
  const blocker = await tenant.mutate("vms.create", {
    projectId,
    name: unique("e2e-blocker"),
    offeringId,
    imageId,
    nics: [{ l3Id, sriov: true }],
  });

  await form.getByRole("button", { name: "Create VM" }).click();
  await expect(form).toContainText(`no available VF on L3 ${l3Name}`);
  await expect(page).toHaveURL(/\/vms\/new$/);
  await expect(sriov).toBeChecked();

  // Pressing Create again asks for a VF again: refused again, still ticked, and no vNIC VM appears.
  await form.getByRole("button", { name: "Create VM" }).click();
  await expect(form.getByRole("button", { name: "Create VM" })).toBeEnabled();
  await expect(form).toContainText(`no available VF on L3 ${l3Name}`);
  await expect(sriov).toBeChecked();
  const listed = await tenant.query("vms.list", { search: vmName });
  expect(listed.items).toHaveLength(0);

  await tenant.mutate("vms.delete", { vmId: blocker.vm.id });
});
