import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Table } from "./Table";

describe("a table's frame", () => {
  it("wraps the data table with its classes, test id, header cells and rows", () => {
    const html = renderToStaticMarkup(
      createElement(Table, {
        className: "nic-table",
        testId: "nic-table",
        head: createElement("th", null, "Name"),
        children: createElement("tr", null, createElement("td", null, "eth0")),
      }),
    );
    expect(html).toBe(
      '<div class="table-wrap"><table class="data nic-table" data-testid="nic-table">' +
        "<thead><tr><th>Name</th></tr></thead><tbody><tr><td>eth0</td></tr></tbody></table></div>",
    );
  });

  it("has only the data class when no other is given, and says when it is busy", () => {
    const html = renderToStaticMarkup(
      createElement(Table, { busy: true, head: null, children: null }),
    );
    expect(html).toContain('<div class="table-wrap" aria-busy="true"><table class="data">');
  });
});
