import { expect, test } from "./fixtures";
import { api, login, unique } from "./helpers";

// What a user sees on the pages rebuilt on the shared parts (ListView, ActionMenu, FormDialog):
// the words, the links, which actions are offered and which are greyed out with their reason,
// and that filters live in the URL.

const TENANT = { username: "tenant", password: "demo-tenant" } as const;
const AUDITOR = { username: "auditor", password: "demo-auditor" } as const;

test("an auditor reads users, projects and API keys with no way to change others' entries", async ({
  page,
}) => {
  await login(page, AUDITOR);
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Users");
  const admin = page.getByTestId("user-row").filter({ hasText: "Demo Admin" });
  await expect(admin).toContainText("Admin");
  await expect(page.getByRole("button", { name: "Create user" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Actions for / })).toHaveCount(0);
  await expect(page.getByRole("combobox", { name: /^Role of / })).toHaveCount(0);

  await page.goto("/admin/projects");
  await expect(page.getByTestId("project-row").filter({ hasText: "demo-project" })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Create project" })).toHaveCount(0);

  // Their own keys are theirs to manage; those of everyone are a URL filter away.
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("button", { name: "Create API key" }).first()).toBeVisible();
});

test("the audit log: a tenant is told it sees its projects' events, an admin narrows by project and outcome in the URL", async ({
  page,
}) => {
  await login(page, TENANT);
  await page.goto("/audit");
  await expect(page.getByText("You see your projects' events.")).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Project" })).toHaveCount(0);

  await page.context().clearCookies();
  await login(page);
  await page.goto("/audit?outcome=Denied");
  await expect(page.getByText("You see your projects' events.")).toHaveCount(0);
  await expect(page.getByRole("combobox", { name: "Outcome" })).toHaveValue("Denied");
  await expect(page.getByRole("combobox", { name: "Project" })).toBeVisible();
  for (const row of await page.getByTestId("audit-row").all())
    await expect(row).toContainText("Denied");
  await page.getByLabel("Actor").fill("nobody-by-this-name");
  await expect(page).toHaveURL(/[?&]actor=nobody-by-this-name/);
  await expect(page.getByText("No events match these filters.")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page).not.toHaveURL(/[?&](actor|outcome)=/);
  await expect(page.getByLabel("Actor")).toHaveValue("");
});

test("hosts: the connection filter is kept in the URL, and at 390 px the key columns stay", async ({
  page,
}) => {
  await login(page);
  await page.goto("/hosts?state=Connected");
  await expect(page.getByRole("combobox", { name: "Connection" })).toHaveValue("Connected");
  const rows = page.getByTestId("host-row");
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) await expect(row).toContainText("Connected");
  await page.reload();
  await expect(page.getByRole("combobox", { name: "Connection" })).toHaveValue("Connected");

  await page.setViewportSize({ width: 390, height: 844 });
  const headers = page.locator("table.data thead");
  await expect(headers.getByText("Name")).toBeVisible();
  await expect(headers.getByText("Connection")).toBeVisible();
  await expect(headers.getByText("VFs avail / total")).toBeVisible();
  await expect(headers.getByText("Last seen")).toBeHidden();
});

test("at 390 px the L2 list keeps its SR-IOV column; the interface moves under the name", async ({
  page,
}) => {
  await login(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/networks/l2");
  const headers = page.locator("table.data thead");
  await expect(headers.getByText("SR-IOV")).toBeInViewport({ ratio: 1 });
  await expect(headers.getByText("Interface")).toBeHidden();
  const row = page.getByRole("row").filter({ hasText: "prod-vlan100" });
  await expect(row.locator(".show-narrow")).toContainText("p1p1");
});

test("zones: a zone with clusters cannot be deleted and the refusal names them; a new zone is renamed and deleted from its menu", async ({
  page,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 409/);
  await login(page);
  await page.goto("/inventory");
  await page.getByRole("button", { name: "Actions for zone-1" }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  const refuse = page.getByRole("dialog", { name: "Delete zone zone-1?" });
  await refuse.getByRole("button", { name: "Delete zone" }).click();
  await expect(refuse.getByTestId("delete-blockers")).toContainText("cluster-a");
  await refuse.getByRole("button", { name: "Cancel" }).click();

  const name = unique("zone");
  await page.getByRole("button", { name: "Add zone" }).click();
  const add = page.getByRole("dialog", { name: "Add zone" });
  await add.getByLabel("Name").fill("has spaces");
  await add.getByRole("button", { name: "Add zone" }).click();
  await expect(add.getByText("Letters, digits, dots, dashes and underscores only")).toBeVisible();
  await add.getByLabel("Name").fill(name);
  await add.getByRole("button", { name: "Add zone" }).click();
  await expect(add).toBeHidden();

  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Rename" }).click();
  const rename = page.getByRole("dialog", { name: `Rename zone ${name}` });
  await rename.getByLabel("New name").fill(`${name}-b`);
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByTestId("zone-row").filter({ hasText: `${name}-b` })).toHaveCount(1);

  await page.getByRole("button", { name: `Actions for ${name}-b` }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete zone" }).click();
  await expect(page.getByTestId("zone-row").filter({ hasText: `${name}-b` })).toHaveCount(0);
});

test("catalog: an offering is added through the form with the server's rules and deleted after a confirm", async ({
  page,
}) => {
  await login(page);
  await page.goto("/catalog");
  await page.getByRole("button", { name: "Add offering" }).click();
  const dialog = page.getByRole("dialog", { name: "Add offering" });
  const name = unique("offer");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("vCPUs").fill("0");
  await dialog.getByRole("button", { name: "Add offering" }).click();
  await expect(dialog.getByText("At least 1 vCPU")).toBeVisible();
  await dialog.getByLabel("vCPUs").fill("2");
  await dialog.getByRole("button", { name: "Add offering" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId("offering-row").filter({ hasText: name });
  await expect(row).toContainText("4 GiB");
  await row.getByRole("button", { name: "Delete" }).click();
  await page
    .getByRole("dialog", { name: `Delete offering ${name}?` })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(row).toHaveCount(0);
});

test("a tenant who deletes a VM lands on the VM list, where it is going, not on a 'VM not found'", async ({
  page,
}) => {
  await login(page, TENANT);
  const tenant = api(page.request);
  const projects = await tenant.query("iam.projects.list", { limit: 10 });
  const project = projects.items.find((p: { name: string }) => p.name === "demo-project");
  const [offerings, images, options] = await Promise.all([
    tenant.query("catalog.offerings"),
    tenant.query("catalog.images"),
    tenant.query("vms.createOptions", { projectId: project.id }),
  ]);
  const l3 = options.find((o: { sriovEnabled: boolean }) => !o.sriovEnabled) ?? options[0];
  const vmName = unique("e2e-del").toLowerCase();
  const { vm } = await tenant.mutate("vms.create", {
    projectId: project.id,
    name: vmName,
    offeringId: offerings.find((o: { name: string }) => o.name === "small").id,
    imageId: images[0].id,
    nics: [{ l3Id: l3.l3Id, sriov: false }],
  });

  await page.goto(`/vms/${vm.id}`);
  await expect(page.getByTestId("vm-title")).toContainText("Running", { timeout: 45_000 });
  await page.getByTestId("vm-action-delete").click();
  await page
    .getByRole("dialog", { name: `Delete ${vmName}?` })
    .getByRole("button", { name: "Delete VM" })
    .click();
  await expect(page).toHaveURL(/\/vms$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Virtual machines");
  await expect(page.getByText("VM not found")).toHaveCount(0);
});
