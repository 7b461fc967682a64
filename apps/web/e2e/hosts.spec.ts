import { expect, test } from "./fixtures";
import { login, required } from "./helpers";

test("add host shows field errors from the server next to the fields", async ({
  page,
  consoleErrors,
}) => {
  consoleErrors.allow(/Failed to load resource: the server responded with a status of 400/);
  await login(page);
  await page.goto("/hosts");
  await page.getByRole("button", { name: "Add host" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add host" });
  // Keyboard: the dialog opens on its first field, and Enter submits.
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await page.keyboard.type("bad name!");
  await dialog.getByLabel("Agent URL").fill("ftp://10.0.0.5");
  await dialog.getByLabel("Agent URL").press("Enter");
  await expect(
    dialog.getByText("Letters, digits, dots, dashes and underscores only"),
  ).toBeVisible();
  await expect(dialog.getByText("Pick a cluster")).toBeVisible();
  await expect(dialog.getByText("The agent URL must start with http:// or https://")).toBeVisible();
  await expect(dialog.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  // Escape closes the dialog.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("admin logs in, adds a sim host and sees its NIC table", async ({ page }) => {
  const agentUrl = required("VIRTFN_E2E_SPARE_AGENT_URL");
  const agentToken = required("VIRTFN_E2E_SPARE_AGENT_TOKEN");
  const name = `e2e-${Date.now().toString(36)}`;

  await login(page);
  await page.goto("/hosts");
  await page.getByRole("button", { name: "Add host" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add host" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Cluster").selectOption({ index: 1 });
  await dialog.getByLabel("Agent URL").fill(agentUrl);
  await dialog.getByLabel("Agent token").fill(agentToken);
  await expect(dialog.getByLabel("Scan IOMMU settings")).toBeChecked();
  await dialog.getByRole("button", { name: "Add host" }).click();

  // The dialog follows the host.connect operation until the worker finishes it.
  const progress = page.getByTestId("add-host-operation");
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("data-status", "Succeeded", { timeout: 45_000 });
  await page.getByRole("link", { name: "Open host page" }).click();

  await expect(page).toHaveURL(/\/hosts\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Connected");

  // Real data from the sim agent: PF rows with PCI addresses, drivers and virtualization states.
  const rows = page.getByTestId("nic-row");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(0);
  await expect(rows.first().locator("code")).toHaveText(
    /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/,
  );
  // A fresh host is not split: an SR-IOV-capable PF is Virtualizable with no VFs yet.
  const virtualizable = rows.filter({ hasText: "Virtualizable" }).first();
  await expect(virtualizable).toBeVisible();
  await expect(virtualizable.getByTestId("nic-vfs")).toContainText("0 / 0");

  // The operation shows on the host page too, finished.
  await expect(page.getByTestId("operation-row").first()).toHaveAttribute(
    "data-status",
    "Succeeded",
  );

  // And the host is in the list.
  await page.getByRole("link", { name: "Hosts" }).first().click();
  await page.getByPlaceholder("Search by name…").fill(name);
  await expect(page.getByTestId("host-row")).toHaveCount(1);
  await expect(page.getByTestId("host-row")).toContainText("Connected");
});
