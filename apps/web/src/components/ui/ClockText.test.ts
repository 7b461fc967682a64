import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Elapsed, LocalTime, TimeAgo } from "./ClockText";

// What the server renders must be what the browser renders while it hydrates: text that follows
// the clock or the reader's zone there fails the page's hydration (React error 418).

const created = new Date("2026-01-02T03:04:05Z");
// The server's text, in a <time> element that carries the instant for machines.
const serverText = '<time dateTime="2026-01-02T03:04:05.000Z">2026-01-02 03:04 UTC</time>';

describe("clock text rendered on the server", () => {
  it("shows the UTC time for a time ago, whatever the clock says", () => {
    const early = renderToStaticMarkup(createElement(TimeAgo, { date: created, now: 0 }));
    const late = renderToStaticMarkup(
      createElement(TimeAgo, { date: created, now: created.getTime() + 3_600_000 }),
    );
    expect(early).toBe(serverText);
    expect(late).toBe(serverText);
  });

  it("shows the UTC time for a local date and time, whatever the server's zone", () => {
    expect(renderToStaticMarkup(createElement(LocalTime, { date: created }))).toBe(serverText);
  });

  it("leaves a running duration to the browser and shows a finished one", () => {
    const running = { from: created, to: null, now: created.getTime() + 2_000 };
    expect(renderToStaticMarkup(createElement(Elapsed, running))).toBe("…");
    const finished = { from: created, to: new Date(created.getTime() + 2_500), now: 0 };
    expect(renderToStaticMarkup(createElement(Elapsed, finished))).toBe("2.5 s");
  });
});
