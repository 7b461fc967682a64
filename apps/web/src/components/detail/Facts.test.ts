import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Facts } from "./Facts";

describe("detail facts panel", () => {
  it("renders each column as a list of label and value, with the value's test id", () => {
    const html = renderToStaticMarkup(
      createElement(Facts, {
        title: "Details",
        columns: [[["Host", "h1", "vm-host"], null, ["Project", "p1"]], [["Image", "debian"]]],
      }),
    );
    expect(html).toBe(
      '<section class="panel"><h2>Details</h2><div class="facts">' +
        '<dl><dt>Host</dt><dd data-testid="vm-host">h1</dd><dt>Project</dt><dd>p1</dd></dl>' +
        "<dl><dt>Image</dt><dd>debian</dd></dl></div></section>",
    );
  });
});
