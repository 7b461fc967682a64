import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Link, routerTakesClick } from "./Link";

const plain = {
  button: 0,
  metaKey: false,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  defaultPrevented: false,
};

describe("console links", () => {
  it("navigate with the router on a plain left click in this tab", () => {
    expect(routerTakesClick(plain, {})).toBe(true);
    expect(routerTakesClick(plain, { target: "_self" })).toBe(true);
  });

  it("leave new tabs, windows, downloads and other buttons to the browser", () => {
    for (const key of ["metaKey", "ctrlKey", "shiftKey", "altKey"] as const) {
      expect(routerTakesClick({ ...plain, [key]: true }, {})).toBe(false);
    }
    expect(routerTakesClick({ ...plain, button: 1 }, {})).toBe(false);
    expect(routerTakesClick({ ...plain, defaultPrevented: true }, {})).toBe(false);
    expect(routerTakesClick(plain, { target: "_blank" })).toBe(false);
    expect(routerTakesClick(plain, { download: "" })).toBe(false);
  });

  it("render as a plain link outside Next's router", () => {
    const html = renderToStaticMarkup(
      createElement(Link, { href: "/vms/1", className: "strong-link" }, "vm-1"),
    );
    expect(html).toBe('<a class="strong-link" href="/vms/1">vm-1</a>');
  });
});
