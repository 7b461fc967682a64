import { expect, test } from "./fixtures";
import { api, ensureSplit, login } from "./helpers";

// The pages issue 15 adds: the VF search, an operation's detail, and the audit log in words with
// its export. kvm-02's ens1f0 is the PF vms.spec.ts splits too (ensureSplit splits it once).

test("admin finds who holds a VF by its PCI address, and lists one PF's VFs from a link", async ({
  page,
}) => {
  await login(page);
  const { host, pf } = await ensureSplit(api(page.request), "kvm-02", "ens1f0", 16);

  await page.goto(`/sriov/vfs?pf=${pf.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Virtual functions");
  const rows = page.getByTestId("vf-row");
  await expect(rows).toHaveCount(pf.numVfs);
  await expect(page.getByTestId("vf-scope")).toContainText("ens1f0 on kvm-02");
  const pci = (await rows.first().locator("code").first().textContent()) ?? "";
  expect(pci).toMatch(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/);

  // Fleet-wide: the scope cleared, the PCI address typed; the filters follow in the URL.
  await page.getByRole("button", { name: "Show every PF" }).click();
  await page.getByRole("searchbox", { name: "Search VFs" }).fill(pci);
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(pci)}`));
  // The previous rows stay on screen until the search answers (and the PF's own first row holds
  // this address too): wait for the settled list, every row matching, rather than iterating rows
  // that a re-render can take away.
  await expect(rows.filter({ hasNotText: pci })).toHaveCount(0);
  await expect(rows.first()).toContainText(pci);
  const onHost = rows.filter({ hasText: "kvm-02" });
  await expect(onHost).toHaveCount(1);
  await expect(onHost.getByRole("link", { name: "kvm-02" })).toHaveAttribute(
    "href",
    `/hosts/${host.id}`,
  );

  // A reload keeps the search (it lives in the URL).
  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search VFs" })).toHaveValue(pci);
  await expect(rows.filter({ hasText: "kvm-02" })).toHaveCount(1);
});

test("an operation's kind links to its detail: status, target link, agent task, no retry once succeeded", async ({
  page,
  consoleErrors,
}) => {
  // The unknown operation at the end: its query answers 404 on purpose.
  consoleErrors.allow(/status of 404 \(Not Found\)/);
  await login(page);
  const admin = api(page.request);
  const { pf } = await ensureSplit(admin, "kvm-02", "ens1f0", 16);
  const ops = await admin.query("operations.list", { kind: "pf.split", targetId: pf.id });
  const split = ops.items.find((op: { status: string }) => op.status === "Succeeded");
  expect(split, "a finished split of ens1f0").toBeTruthy();

  await page.goto(`/operations?targetId=${pf.id}`);
  await page
    .getByTestId("operation-row")
    .filter({ hasText: "SR-IOV split" })
    .first()
    .getByRole("link", { name: "SR-IOV split" })
    .click();
  await expect(page).toHaveURL(/\/operations\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("operation-title")).toContainText("SR-IOV split");
  await expect(page.getByTestId("operation-title")).toContainText("Succeeded");
  await expect(page.getByTestId("operation-agent-task")).toHaveText(/[0-9a-f-]{36}/);
  await expect(page.getByTestId("operation-target").first()).toHaveAttribute(
    "href",
    /^\/hosts\/[0-9a-f-]{36}$/,
  );
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);

  await page.goto("/operations/00000000-0000-4000-8000-000000000000");
  await expect(page.getByTestId("operation-missing")).toContainText("No such operation");
});

test("the audit log names a refused split's PF with a link, filters in the URL, and exports CSV and JSON", async ({
  page,
}) => {
  await login(page);
  const admin = api(page.request);
  const { host, pf } = await ensureSplit(admin, "kvm-02", "ens1f0", 16);
  // R12: out of range, refused before any operation exists; the refusal is audited.
  await expect(admin.mutate("sriov.split", { pfId: pf.id, count: 9999 })).rejects.toThrow();

  await page.goto("/audit?action=pf.split&outcome=Failure");
  await expect(page.getByLabel("Action")).toHaveValue("pf.split");
  const row = page.getByTestId("audit-row").first();
  await expect(row).toHaveAttribute("data-action", "pf.split");
  const target = row.getByTestId("audit-target").getByRole("link");
  await expect(target).toHaveText("ens1f0 on kvm-02");
  await expect(target).toHaveAttribute("href", `/hosts/${host.id}`);

  const csvHref = await page.getByTestId("audit-export-csv").getAttribute("href");
  expect(csvHref).toContain("action=pf.split");
  const csv = await page.request.get(csvHref ?? "");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toMatch(/^at,actor,/);
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((line) => line.includes(",pf.split,Failure,"))).toBe(true);

  const json = await page.request.get(
    (await page.getByTestId("audit-export-json").getAttribute("href")) ?? "",
  );
  const events = (await json.json()) as Array<{ action: string; targetName: string | null }>;
  expect(events.length).toBe(lines.length - 1);
  expect(events[0]).toMatchObject({ action: "pf.split", targetName: "ens1f0 on kvm-02" });
});
