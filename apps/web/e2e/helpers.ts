import { expect, type APIRequestContext, type Page } from "@playwright/test";

export const ADMIN = { username: "admin", password: "demo-admin" } as const;

export async function login(page: Page, user: { username: string; password: string } = ADMIN) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; scripts/test.ts exports it for the e2e run`);
  return value;
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** The tRPC HTTP API, as the signed-in user of `request` (superjson: `{ json }` in and out). */
export function api(request: APIRequestContext) {
  const unwrap = async (response: Awaited<ReturnType<APIRequestContext["get"]>>, path: string) => {
    const body = (await response.json()) as {
      result?: { data: { json: unknown } };
      error?: { json: { message: string } };
    };
    if (!response.ok() || !body.result)
      throw new Error(`${path}: ${body.error?.json.message ?? response.status()}`);
    return body.result.data.json;
  };
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test glue over a JSON API
    query: async (path: string, input?: unknown): Promise<any> => {
      const query =
        input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
      return unwrap(await request.get(`/api/trpc/${path}${query}`), path);
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test glue over a JSON API
    mutate: async (path: string, input: unknown): Promise<any> =>
      unwrap(await request.post(`/api/trpc/${path}`, { data: { json: input } }), path),
  };
}

/**
 * As admin (`admin` = api(page.request) after login): `pfName` on `hostName` split into `count`
 * VFs unless it already is (it then stays split for the rest of the run). Returns the PF as
 * hosts.get shows it, and the split operation when this call started one.
 */
export async function ensureSplit(
  admin: ReturnType<typeof api>,
  hostName: string,
  pfName: string,
  count: number,
) {
  const hosts = await admin.query("hosts.list", { search: hostName });
  const host = hosts.items.find((h: { name: string }) => h.name === hostName);
  expect(host, `${hostName} is seeded`).toBeTruthy();
  const pfOf = async () =>
    (await admin.query("hosts.get", { hostId: host.id })).nics.find(
      (n: { name: string }) => n.name === pfName,
    );
  const pf = await pfOf();
  expect(pf, `${hostName} has ${pfName}`).toBeTruthy();
  let operationId: string | null = null;
  if (pf.numVfs === 0) {
    const { operation } = await admin.mutate("sriov.split", { pfId: pf.id, count });
    operationId = operation.id;
    await expect
      .poll(async () => (await admin.query("operations.get", { id: operation.id })).status, {
        timeout: 45_000,
      })
      .toBe("Succeeded");
  }
  await expect.poll(async () => (await pfOf()).vfTotal, { timeout: 20_000 }).toBeGreaterThan(0);
  return { host, pf: await pfOf(), operationId };
}
