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
