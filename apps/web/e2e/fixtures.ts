// The `test` every spec imports: it fails a test on any browser console error or uncaught page
// error that the test did not expect, in every page of the test's context and of the contexts
// it opens itself (`watchContext`). Expected ones are declared with `consoleErrors.allow(/…/)`.
import { test as base, type BrowserContext, type Page } from "@playwright/test";

export { expect } from "@playwright/test";

export interface ConsoleErrors {
  /** Declares errors this test provokes on purpose (a refused request logs a failed resource). */
  allow(pattern: RegExp): void;
}

let current: ((context: BrowserContext) => void) | null = null;

/** Watches a context the test created with `browser.newContext()`. */
export function watchContext(context: BrowserContext): void {
  if (!current) throw new Error("watchContext is called outside a test");
  current(context);
}

export const test = base.extend<{ consoleErrors: ConsoleErrors }>({
  consoleErrors: [
    async ({ context }, use, testInfo) => {
      const seen: string[] = [];
      const allowed: RegExp[] = [];
      const watchPage = (page: Page) => {
        page.on("console", (message) => {
          if (message.type() === "error")
            seen.push(`console error on ${page.url()}: ${message.text()}`);
        });
        page.on("pageerror", (error) =>
          seen.push(`page error on ${page.url()}: ${error.stack ?? error.message}`),
        );
      };
      const watch = (watched: BrowserContext) => {
        watched.pages().forEach(watchPage);
        watched.on("page", watchPage);
      };
      watch(context);
      current = watch;
      await use({ allow: (pattern) => allowed.push(pattern) });
      current = null;
      const unexpected = seen.filter((line) => !allowed.some((pattern) => pattern.test(line)));
      if (unexpected.length > 0) {
        await testInfo.attach("browser-errors", {
          body: unexpected.join("\n\n"),
          contentType: "text/plain",
        });
        throw new Error(
          `the browser reported ${unexpected.length} unexpected error(s):\n${unexpected.join("\n")}`,
        );
      }
    },
    { auto: true },
  ],
});
