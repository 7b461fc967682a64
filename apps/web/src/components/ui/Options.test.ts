import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Options } from "./Options";

describe("a select's options", () => {
  it("render each choice with its value and label", () => {
    const options = [
      { value: "p1", label: "team-blue" },
      { value: "p2", label: "team-red" },
    ];
    expect(
      renderToStaticMarkup(createElement("select", null, createElement(Options, { options }))),
    ).toBe(
      '<select><option value="p1">team-blue</option><option value="p2">team-red</option></select>',
    );
  });
});
