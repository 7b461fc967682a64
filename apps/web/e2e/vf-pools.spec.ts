import { expect, test } from "./fixtures";
import { login, unique } from "./helpers";

// Issue 16: an admin carves a VF pool out of the demo's p1p1 on kvm-01 (16 VFs, L2 prod-vlan100)
// from the host page, sees core's refusal for an overlapping range next to the field, and
// deletes it again. VF #15 with no projects: the VMs other tests put on prod-sriov fit it.
test("admin creates a VF pool on a PF from the host page, and deletes it", async ({
  page,
  consoleErrors,
}) => {
  // The overlapping pool below is refused on purpose (409 VF_POOL_OVERLAP).
  consoleErrors.allow(/Failed to load resource: the server responded with a status of 409/);
  const name = unique("e2e-pool").slice(0, 32);
  await login(page);
  await page.goto("/hosts");
  await page.getByRole("link", { name: "kvm-01", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("kvm-01");

  const p1p1 = page.locator('[data-testid="nic-row"][data-nic="p1p1"]');
  await p1p1.locator("[data-testid=vf-pools-open]:visible").first().click();
  const dialog = page.getByRole("dialog", { name: /VF pools: p1p1 on kvm-01/ });
  await expect(dialog.getByText("VFs #0-15")).toBeVisible();

  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("VF range").fill("#15");
  await dialog.getByLabel("prod-vlan100").check();
  await dialog.getByRole("button", { name: "Create pool" }).click();
  const row = dialog.locator(`[data-testid="vf-pool-row"][data-pool="${name}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("p1p1#15");
  await expect(row).toContainText("prod-vlan100");
  await expect(row).toContainText("all");

  // The same range again: core refuses, and the dialog says why under the range.
  await dialog.getByLabel("Name").fill(`${name.slice(0, 28)}-two`);
  await dialog.getByLabel("VF range").fill("#14-15");
  await dialog.getByLabel("prod-vlan100").check();
  await dialog.getByRole("button", { name: "Create pool" }).click();
  await expect(dialog.getByRole("alert")).toContainText(`overlaps pool ${name}`);
  await expect(dialog.getByLabel("VF range")).toHaveAttribute("aria-invalid", "true");

  await row.getByRole("button", { name: "Delete" }).click();
  await expect(row).toBeHidden();
});
