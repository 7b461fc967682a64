import { expect, type Page } from "@playwright/test";

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
