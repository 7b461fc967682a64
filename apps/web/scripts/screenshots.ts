// DEV ONLY: screenshots of the main pages, wide and narrow, for looking at the UI.
//   VIRTFN_WEB_URL=http://127.0.0.1:3100 npx tsx apps/web/scripts/screenshots.ts <outDir> [names…]
import { chromium, type Page } from "@playwright/test";

const base = process.env.VIRTFN_WEB_URL ?? "http://127.0.0.1:3100";
const out = process.argv[2] ?? "/tmp/shots";
const only = new Set(process.argv.slice(3));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--disable-background-networking", "--disable-component-update", "--no-first-run"],
});

async function login(page: Page, user = "admin", password = "demo-admin") {
  await page.goto(`${base}/login`);
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

for (const [label, width, height] of [
  ["wide", 1360, 860],
  ["narrow", 420, 860],
] as const) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const shot = async (name: string, fullPage = true) => {
    if (only.size && !only.has(name)) return;
    await page.screenshot({ path: `${out}/${name}-${label}.png`, fullPage });
  };
  await page.goto(`${base}/login`);
  await shot("login");
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("nope");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("login-error").waitFor();
  await shot("login-error");
  await login(page);
  await page.goto(`${base}/hosts`);
  await page.locator(".table-wrap, .empty").first().waitFor();
  await page.waitForTimeout(300);
  await shot("hosts");
  await page.getByRole("button", { name: "Add host" }).first().click();
  await page.getByLabel("Name").fill("bad name!");
  await page.getByLabel("Agent URL").fill("ftp://nope");
  await page.getByRole("button", { name: "Add host" }).last().click();
  await page.locator(".field-error").first().waitFor();
  await shot("add-host-error", false);
  await page.keyboard.press("Escape");
  const first = page.getByTestId("host-row").first().getByRole("link").first();
  if (await first.count()) {
    await first.click();
    await page.locator(".facts").waitFor();
    await page.waitForTimeout(500);
    await shot("host-detail");
  }
  for (const hostName of (process.env.SHOT_HOSTS ?? "").split(",").filter(Boolean)) {
    await page.goto(`${base}/hosts`);
    await page.getByRole("link", { name: hostName, exact: true }).click();
    await page.locator(".facts").waitFor();
    await page.waitForTimeout(400);
    await shot(`host-${hostName}`);
  }
  await page.goto(`${base}/operations`);
  await page.locator(".table-wrap, .empty").first().waitFor();
  await page.waitForTimeout(300);
  await shot("operations");
  if (label === "narrow") {
    await page.getByRole("button", { name: "Menu" }).click();
    await shot("nav-open", false);
  }
  await context.close();
}
await browser.close();
console.log(`screenshots in ${out}`);
