import { expect, test } from "./fixtures";
import { login, unique } from "./helpers";

// The users page is built on the shared parts: FormDialog (server schema + server field errors),
// ListView (search and filters in the URL), ActionMenu and its confirm dialog.

test("creating a user checks the form and puts the server's answer on the field", async ({
  page,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 409/);
  await login(page);
  await page.goto("/admin/users");
  await page.getByRole("button", { name: "Create user" }).click();
  const dialog = page.getByRole("dialog", { name: "Create user" });

  // The server's schema runs in the browser first: nothing is sent, each field says what is wrong.
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByText("At least 10 characters").last()).toBeVisible();

  // A taken username is only known to the server: its answer lands on the Username field.
  await dialog.getByLabel("Username").fill("admin");
  await dialog.getByLabel("Initial password").fill("long-enough-pw");
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog.getByRole("alert").filter({ hasText: "already exists" })).toBeVisible();
  await expect(dialog.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");

  const name = unique("ui").toLowerCase();
  await dialog.getByLabel("Username").fill(name);
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog).toBeHidden();

  // The search goes into the URL, and a reload keeps the filtered list.
  await page.getByRole("searchbox", { name: "Search users" }).fill(name);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${name}`));
  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search users" })).toHaveValue(name);
  await expect(page.getByTestId("user-row")).toHaveCount(1);

  // Row actions sit behind one menu; Delete asks first, then the row is gone.
  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: `Delete user ${name}?` });
  await confirm.getByRole("button", { name: "Delete user" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText("No users match these filters.")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page).not.toHaveURL(/[?&]q=/);
});

test("the role filter is kept in the URL", async ({ page }) => {
  await login(page);
  await page.goto("/admin/users?role=Auditor");
  await expect(page.getByLabel("Role", { exact: true })).toHaveValue("Auditor");
  const rows = page.getByTestId("user-row");
  await expect(rows.first()).toContainText("auditor");
  for (const row of await rows.all()) await expect(row).toContainText("Auditor");
});

test("a skip link leads past the navigation to the page", async ({ page }) => {
  await login(page);
  await page.goto("/admin/users");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await skip.press("Enter");
  await expect(page).toHaveURL(/#main$/);
});

test("a role change and a disable from the row show in the server-rendered list, and survive a reload", async ({
  page,
}) => {
  await login(page);
  await page.goto("/admin/users");
  await page.getByRole("button", { name: "Create user" }).click();
  const dialog = page.getByRole("dialog", { name: "Create user" });
  const name = unique("row").toLowerCase();
  await dialog.getByLabel("Username").fill(name);
  await dialog.getByLabel("Initial password").fill("long-enough-pw");
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog).toBeHidden();
  await page.goto(`/admin/users?q=${name}`);
  const row = page.getByTestId("user-row");
  await expect(row).toHaveCount(1);

  // The select is the server's answer: it shows the new role once the procedure has run and the
  // page has been rendered again on the server.
  const role = row.getByRole("combobox", { name: `Role of ${name}` });
  await role.selectOption("Auditor");
  await expect(role).toHaveValue("Auditor");
  await expect(role).toBeEnabled();

  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Disable" }).click();
  await expect(row).toContainText("Disabled");
  await page.reload();
  await expect(row).toContainText("Disabled");
  await expect(row.getByRole("combobox", { name: `Role of ${name}` })).toHaveValue("Auditor");
});
