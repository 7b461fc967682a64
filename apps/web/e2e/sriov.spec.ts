import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { login } from "./helpers";

// Unique per run and per test, so the tests neither depend on each other nor on their order.
function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

async function openHost(page: Page, name: string) {
  await page.goto("/hosts");
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
}

test("admin splits em2 on kvm-01, puts an SR-IOV L2 and L3 on it and sees its VFs per host", async ({
  page,
}) => {
  const l2Name = unique("e2e-l2");
  const l3Name = unique("e2e-l3");
  // A VLAN id per run: nothing requires it unique, but it keeps runs apart when reading the data.
  const vlanId = 100 + Math.floor(Math.random() * 3900);

  await login(page);
  await openHost(page, "kvm-01");

  // Split em2 (I350, 7 VFs at most) into 4. No other test touches em2.
  const em2 = page.locator('[data-testid="nic-row"][data-nic="em2"]');
  await em2.getByRole("button", { name: "SR-IOV split" }).click();
  const split = page.getByRole("dialog", { name: /SR-IOV split: em2 on kvm-01/ });
  await expect(split.getByText("1 to 7")).toBeVisible();
  const count = split.getByLabel("Number of VFs");
  await expect(count).toBeFocused();
  // Inline validation: out of range is flagged before anything is sent.
  await count.fill("9");
  await expect(split.getByText("Between 1 and 7")).toBeVisible();
  await expect(count).toHaveAttribute("aria-invalid", "true");
  await count.fill("4");
  await expect(split.getByText("Between 1 and 7")).toBeHidden();
  await count.press("Enter");
  const progress = split.getByTestId("pf-operation");
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("data-status", "Succeeded", { timeout: 45_000 });
  await expect(progress).toContainText("em2 now has 4 VFs");
  await split.getByRole("button", { name: "Close" }).first().click();
  // The NIC table refreshes when the operation ends.
  await expect(em2.getByTestId("nic-vfs")).toContainText("4 / 4");

  // An SR-IOV Vlan L2 on em2, attached to cluster-a.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "L2 networks" })
    .click();
  await page.getByRole("button", { name: "Create L2 network" }).first().click();
  const l2Form = page.getByRole("dialog", { name: "Create L2 network" });
  await l2Form.getByLabel("Name").fill(l2Name);
  await l2Form.getByLabel("Type").selectOption("Vlan");
  await l2Form.getByLabel("VLAN id").fill(String(vlanId));
  await l2Form.getByLabel("Physical interface").fill("em2");
  await l2Form.getByLabel("cluster-a").check();
  await l2Form.getByLabel("Enable SR-IOV").check();
  await l2Form.getByRole("button", { name: "Create L2 network" }).click();

  await expect(page).toHaveURL(/\/networks\/l2\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(l2Name);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("SR-IOV on");
  await expect(page.getByTestId("l2-cluster-row").filter({ hasText: "cluster-a" })).toBeVisible();

  // An L3 on it with SR-IOV; the form shows the L2's SR-IOV state.
  await page.getByRole("button", { name: "Create L3 network" }).first().click();
  const l3Form = page.getByRole("dialog", { name: "Create L3 network" });
  await expect(l3Form.getByTestId("l3-form-l2-state")).toContainText("SR-IOV on");
  await l3Form.getByLabel("Name").fill(l3Name);
  await l3Form.getByLabel("Category").selectOption("Flat");
  await l3Form.getByLabel("IP range 1 CIDR").fill("10.77.0.0/24");
  await l3Form.getByLabel("Enable SR-IOV").check();
  await l3Form.getByRole("button", { name: "Create L3 network" }).click();

  await expect(page).toHaveURL(/\/networks\/l3\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(l3Name);

  // R3: kvm-01 offers the 4 new VFs; kvm-02 (same cluster, no em2) offers none and says why.
  const table = page.getByTestId("vf-availability");
  const kvm01 = table.locator('[data-testid="vf-row"][data-host="kvm-01"]');
  await expect(kvm01.getByTestId("vf-count")).toHaveText("4 / 4");
  await expect(kvm01).toContainText("em2");
  const kvm02 = table.locator('[data-testid="vf-row"][data-host="kvm-02"]');
  await expect(kvm02.getByTestId("vf-count")).toHaveText("0 / 0");
  await expect(kvm02.getByTestId("vf-message")).toContainText(
    "SR-IOV enabled, no VFs on host kvm-02",
  );
  // A host of a cluster the L2 is not attached to says so too.
  const kvm03 = table.locator('[data-testid="vf-row"][data-host="kvm-03"]');
  await expect(kvm03.getByTestId("vf-message")).toContainText("cluster cluster-b is not attached");
});

test("picking Vxlan in the L2 form greys out Enable SR-IOV with the reason (R1)", async ({
  page,
}) => {
  await login(page);
  await page.goto("/networks/l2");
  await page.getByRole("button", { name: "Create L2 network" }).first().click();
  const form = page.getByRole("dialog", { name: "Create L2 network" });
  const sriov = form.getByLabel("Enable SR-IOV");

  // Allowed for a Vlan L2 …
  await form.getByLabel("Type").selectOption("Vlan");
  await expect(sriov).toBeEnabled();
  await sriov.check();

  // … not for Vxlan: disabled, unticked, and the reason is next to it and read with it.
  await form.getByLabel("Type").selectOption("Vxlan");
  await expect(sriov).toBeDisabled();
  await expect(sriov).not.toBeChecked();
  const reason = form.getByTestId("sriovEnabled-reason");
  await expect(reason).toHaveText(
    "VXLAN L2 networks cannot enable SR-IOV: VF traffic bypasses the host's VXLAN tunnel.",
  );
  await expect(sriov).toHaveAttribute("aria-describedby", /.+/);
  const describedBy = (await sriov.getAttribute("aria-describedby")) ?? "";
  expect(describedBy.split(" ")).toContain(await reason.getAttribute("id"));
  await expect(form.getByLabel("VXLAN pool")).toBeVisible();
  await expect(form.getByLabel("VNI")).toBeVisible();

  // Escape closes the form without creating anything.
  await page.keyboard.press("Escape");
  await expect(form).toBeHidden();
});
