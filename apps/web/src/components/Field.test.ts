import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CheckboxField } from "./Field";

/** Every id the checkbox's aria-describedby names, and whether each is in the markup. */
function describedIdsOf(props: Partial<Parameters<typeof CheckboxField>[0]>) {
  const html = renderToStaticMarkup(
    createElement(CheckboxField, {
      id: "box",
      label: "Enable SR-IOV",
      checked: false,
      onChange: () => undefined,
      ...props,
    }),
  );
  const named = /aria-describedby="([^"]*)"/.exec(html)?.[1]?.split(" ") ?? [];
  return named.map((id) => ({ id, present: html.includes(`id="${id}"`) }));
}

describe("CheckboxField aria-describedby", () => {
  it("names the hint while the box is available", () => {
    expect(describedIdsOf({ hint: "Turns on virtual functions" })).toEqual([
      { id: "box-hint", present: true },
    ]);
  });

  it("names only the reason, not the hidden hint, while the box is unavailable", () => {
    expect(
      describedIdsOf({ hint: "Turns on virtual functions", disabledReason: "Host in maintenance" }),
    ).toEqual([{ id: "box-why", present: true }]);
  });

  it("names the reason and the error, each shown", () => {
    expect(
      describedIdsOf({ hint: "h", disabledReason: "Host in maintenance", error: "Required" }),
    ).toEqual([
      { id: "box-why", present: true },
      { id: "box-error", present: true },
    ]);
  });
});
