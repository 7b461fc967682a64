import { expect, test } from "./fixtures";
import { login } from "./helpers";

// The buttons of the L2, L3 and host pages show core's verdicts: greyed out with the reason in
// words before anyone clicks, never recomputed in the browser.

const AUDITOR = { username: "auditor", password: "demo-auditor" } as const;

test("an L2 with an SR-IOV L3 on it greys out Delete and Turn SR-IOV off, saying why", async ({
  page,
}) => {
  await login(page);
  await page.goto("/networks/l2");
  await page.getByRole("link", { name: "prod-vlan100", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("prod-vlan100");

  // The reason stands next to the greyed button, in words, and the button points to it.
  const remove = page.getByTestId("l2-delete");
  await expect(remove).toBeDisabled();
  await expect(page.getByTestId("l2-delete-reason")).toContainText(
    "cannot be deleted: L3 networks prod-sriov",
  );
  await expect(remove).toHaveAttribute("aria-describedby", "l2-delete-reason");
  const off = page.getByTestId("l2-sriov-off");
  await expect(off).toBeDisabled();
  await expect(page.getByTestId("l2-sriov-off-reason")).toContainText(
    "L3 networks prod-sriov have SR-IOV on",
  );
});

test("a destructive L2 action asks before it acts: Detach opens a confirm, Cancel changes nothing", async ({
  page,
}) => {
  await login(page);
  await page.goto("/networks/l2");
  await page.getByRole("link", { name: "prod-vlan100", exact: true }).click();
  const clusters = page.getByTestId("l2-cluster-row");
  await expect(clusters.first()).toBeVisible();
  const before = await clusters.count();
  await clusters.first().getByRole("button", { name: "Detach" }).click();
  const dialog = page.getByRole("dialog", { name: /^Detach .* from prod-vlan100\?$/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(clusters).toHaveCount(before);
});

test("the host page offers split or restore per NIC from core's verdicts", async ({ page }) => {
  await login(page);
  await page.goto("/hosts");
  await page.getByRole("link", { name: "kvm-01", exact: true }).click();
  const p1p1 = page.locator('[data-testid="nic-row"][data-nic="p1p1"]');
  // The demo splits p1p1: a restore is possible, and the split button resizes within R12's bounds.
  await expect(p1p1.getByRole("button", { name: "SR-IOV restore" }).first()).toBeEnabled();
  const split = p1p1.getByRole("button", { name: "SR-IOV split" }).first();
  await expect(split).toBeEnabled();
  await split.click();
  const dialog = page.getByRole("dialog", { name: /SR-IOV split: p1p1 on kvm-01/ });
  await expect(dialog.getByText(/^1 to \d+/)).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
});

test("an auditor's menu and page guards come from can(): no Catalog, no admin buttons", async ({
  page,
}) => {
  await login(page, AUDITOR);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Hosts" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Catalog" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "EIPs" })).toHaveCount(0);
  await page.goto("/catalog");
  await expect(page).toHaveURL(/\/hosts$/);
  await page.getByRole("link", { name: "kvm-01", exact: true }).click();
  await expect(page.getByText("Read-only: only admins change hosts.")).toBeVisible();
  await expect(page.getByRole("button", { name: "SR-IOV split" })).toHaveCount(0);
});
