import { expect, test } from "./fixtures";
import { api, login, required } from "./helpers";

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

test("edit host shows a taken agent URL on the Agent URL field, and saves nothing", async ({
  page,
  consoleErrors,
}) => {
  consoleErrors.allow(/Failed to load resource: the server responded with a status of 409/);
  await login(page);
  // kvm-01's agent URL, as its own edit form shows it.
  await page.goto("/hosts");
  await page.getByRole("link", { name: "kvm-01", exact: true }).click();
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  const own = page.getByRole("dialog", { name: "Edit kvm-01" });
  const takenUrl = await own.getByLabel("Agent URL").inputValue();
  expect(takenUrl).toMatch(/^https?:\/\//);
  await own.getByRole("button", { name: "Cancel" }).click();

  await page.goto("/hosts");
  await page.getByRole("link", { name: "kvm-02", exact: true }).click();
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Edit kvm-02" });
  const field = dialog.getByLabel("Agent URL");
  const before = await field.inputValue();
  await field.fill(takenUrl);
  await dialog.getByRole("button", { name: "Save and reconnect" }).click();
  // The conflict is the field's: marked invalid, its message under it (not above the buttons).
  await expect(field).toHaveAttribute("aria-invalid", "true");
  const fieldError = dialog.locator(`[id="${await field.getAttribute("id")}-error"]`);
  await expect(fieldError).toHaveText(`A host with agent URL "${takenUrl}" already exists.`);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await expect(
    page.getByRole("dialog", { name: "Edit kvm-02" }).getByLabel("Agent URL"),
  ).toHaveValue(before);
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

test("the hosts list and a host's page arrive rendered: rows, NICs and PCI devices are in the first answer", async ({
  page,
}) => {
  await login(page);
  // The HTML the server answers, before any script runs: no loading placeholders in place of data.
  const list = await (await page.request.get("/hosts?q=kvm-02")).text();
  expect(list).toContain('data-testid="host-row"');
  expect(list).toContain("kvm-02");
  const hosts = await api(page.request).query("hosts.list", { search: "kvm-02" });
  const host = hosts.items.find((h: { name: string }) => h.name === "kvm-02");
  const detail = await (await page.request.get(`/hosts/${host.id}`)).text();
  expect(detail).toContain('data-testid="nic-row"');
  expect(detail).toContain('data-testid="pci-device-row"');
  expect(detail).toContain('data-testid="host-allocation"');
  expect(detail).not.toContain("Loading host…");
});
