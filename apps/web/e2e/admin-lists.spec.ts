import { expect, test } from "./fixtures";
import { login, unique } from "./helpers";

test("projects: create through the form, search kept in the URL, delete from the row menu", async ({
  page,
}) => {
  await login(page);
  await page.goto("/admin/projects");
  await page.getByRole("button", { name: "Create project" }).click();
  const dialog = page.getByRole("dialog", { name: "Create project" });
  // The server's schema refuses a name with spaces before anything is sent.
  await dialog.getByLabel("Name").fill("has spaces");
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(
    dialog.getByText("Letters, digits, dots, dashes and underscores only"),
  ).toBeVisible();
  const name = unique("proj");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole("searchbox", { name: "Search projects" }).fill(name);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${name}`));
  await expect(page.getByTestId("project-row")).toHaveCount(1);
  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete project" }).click();
  await expect(page.getByText("No projects match these filters.")).toBeVisible();
});

test("API keys: the new key is shown once, revoking asks first, revoked keys are a URL filter", async ({
  page,
}) => {
  await login(page);
  await page.goto("/settings/api-keys");
  await page.getByRole("button", { name: "Create API key" }).first().click();
  const form = page.getByRole("dialog", { name: "Create API key" });
  await form.getByRole("button", { name: "Create key" }).click();
  await expect(form.getByText("Give the key a name")).toBeVisible();
  const name = unique("key");
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByRole("dialog", { name: "Copy your new API key" });
  await expect(shown.getByTestId("new-api-key")).toHaveValue(/^vfn_/);
  await shown.getByRole("button", { name: "Done" }).click();

  const row = page.getByTestId("api-key-row").filter({ hasText: name });
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toBeHidden();
  // The box follows the URL, which updates after the click (so `check()` would see it unchanged).
  await page.getByLabel("Show revoked").click();
  await expect(page.getByLabel("Show revoked")).toBeChecked();
  await expect(page).toHaveURL(/[?&]revoked=1/);
  await expect(row).toContainText("Revoked");
});
