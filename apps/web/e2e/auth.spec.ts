import { expect, test } from "./fixtures";
import { ADMIN, login } from "./helpers";

test("anonymous visitors are sent to the login page", async ({ page }) => {
  await page.goto("/hosts");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(
    page.getByText("Demo: admin / demo-admin, tenant / demo-tenant, auditor / demo-auditor"),
  ).toBeVisible();
});

test("a wrong password shows an error and stays on /login", async ({ page, consoleErrors }) => {
  consoleErrors.allow(/Failed to load resource: the server responded with a status of 401/);
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill("not-the-password");
  // Enter submits the form.
  await page.getByLabel("Password").press("Enter");
  await expect(page.getByTestId("login-error")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/login/);
  // The password field is cleared and focused for the next try; no session cookie was set.
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page.getByLabel("Password")).toBeFocused();
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "virtfn_session")).toBeUndefined();
});

test("admin signs in and out", async ({ page, consoleErrors }) => {
  // The hosts page's queries still in flight when the session ends are answered 401.
  consoleErrors.allow(/Failed to load resource: the server responded with a status of 401/);
  await login(page);
  await expect(page).toHaveURL(/\/hosts$/);
  await expect(page.getByTestId("current-user")).toContainText("admin");
  await expect(page.getByTestId("current-user")).toContainText("Admin");
  const cookie = (await page.context().cookies()).find((c) => c.name === "virtfn_session");
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/hosts");
  await expect(page).toHaveURL(/\/login/);
});

test("a tenant lands on the VMs page and has no Hosts entry", async ({ page }) => {
  await login(page, { username: "tenant", password: "demo-tenant" });
  await expect(page).toHaveURL(/\/vms$/);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "VMs" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Hosts" })).toHaveCount(0);
  await page.goto("/hosts");
  await expect(page).toHaveURL(/\/vms$/);
});
