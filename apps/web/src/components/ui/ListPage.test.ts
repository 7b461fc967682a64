import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { createdColumn, nameColumn } from "./columns";
import { ListPage, type CreateDialogSpec } from "./ListPage";
import type { ListQuery } from "./ListView";
import { listInput, pageInput, type ListParams } from "./useListParams";

interface Row {
  id: string;
  name: string;
  createdAt: Date;
}

/** A list's URL state as a page reads it (no router: the page is only rendered). */
function listParams(changes: Partial<ListParams<"name">> = {}): ListParams<"name"> {
  return {
    searchText: "",
    setSearchText: () => undefined,
    q: undefined,
    sort: undefined,
    order: "asc",
    setSort: () => undefined,
    filters: {},
    setFilter: () => undefined,
    narrowed: false,
    clear: () => undefined,
    limit: 25,
    setLimit: () => undefined,
    cursor: undefined,
    offset: 0,
    hasPrev: false,
    next: () => undefined,
    prev: () => undefined,
    ...changes,
  };
}

function answered(items: Row[]): ListQuery<Row> {
  return {
    data: { items, nextCursor: null, total: items.length },
    isPending: false,
    isError: false,
    error: null,
    refetch: () => undefined,
  };
}

const createWidget: CreateDialogSpec = { label: "Create widget", dialog: () => null };

function page(create: CreateDialogSpec | null, list = listParams()) {
  return renderToStaticMarkup(
    createElement(ListPage<Row, "name", string>, {
      title: "Widgets",
      subtitle: "What widgets are for.",
      create,
      list,
      query: answered([]),
      columns: [nameColumn<Row, "name">({ name: (row) => row.name, sort: "name" })],
      rowKey: (row) => row.id,
      noun: "widgets",
      empty: { about: "A widget holds things.", othersNote: "An admin has not added any." },
    }),
  );
}

/** The visible labels of the page's buttons, in order. */
function buttons(html: string): string[] {
  return [...html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((match) => match[1] ?? "");
}

describe("ListPage", () => {
  it("offers the create action in the header and in the empty state to those who may create", () => {
    const html = page(createWidget);
    expect(buttons(html)).toEqual(["Create widget", "Create widget"]);
    expect(html).toContain("No widgets yet.");
    expect(html).toContain("A widget holds things.");
    expect(html).not.toContain("An admin has not added any.");
  });

  it("tells the others who adds them, with no create button", () => {
    const html = page(null);
    expect(buttons(html)).toEqual([]);
    expect(html).toContain("No widgets yet.");
    expect(html).toContain("An admin has not added any.");
    expect(html).not.toContain("A widget holds things.");
  });

  it("says a filtered empty list matches nothing and offers to clear the filters", () => {
    const html = page(createWidget, listParams({ q: "zzz", narrowed: true }));
    expect(html).toContain("No widgets match these filters.");
    expect(buttons(html)).toEqual(["Create widget", "Clear filters"]);
  });
});

describe("list columns", () => {
  const row: Row = { id: "w1", name: "alpha", createdAt: new Date("2026-01-01T00:00:00Z") };
  const cell = (column: { cell: (row: Row) => unknown }) =>
    renderToStaticMarkup(createElement("td", null, column.cell(row) as never));

  it("links the name to the row's page, with its second line and its flag", () => {
    const html = cell(
      nameColumn<Row>({
        name: (r) => r.name,
        href: (r) => `/widgets/${r.id}`,
        sub: () => "zone-1",
        flag: () => "Disabled",
      }),
    );
    expect(html).toContain('href="/widgets/w1"');
    expect(html).toContain('<div class="sub">zone-1</div>');
    expect(html).toContain("Disabled");
  });

  it("leaves out an empty second line and hides the wide one where the narrow one shows", () => {
    expect(cell(nameColumn<Row>({ name: (r) => r.name, sub: () => null }))).not.toContain("sub");
    const both = cell(
      nameColumn<Row>({ name: (r) => r.name, sub: () => "wide", narrowSub: () => "narrow" }),
    );
    expect(both).toContain('<div class="sub hide-narrow">wide</div>');
    expect(both).toContain('<div class="sub show-narrow">narrow</div>');
  });

  it("renders the creation time on the server as UTC, both as a time ago and as a date", () => {
    // The browser swaps in its own text once hydrated ("3 min ago", a local date): rendered on
    // the server, either would differ from the browser's and fail hydration (ClockText).
    const iso = row.createdAt.toISOString();
    const utc = `<time dateTime="${iso}">${iso.slice(0, 16).replace("T", " ")} UTC</time>`;
    expect(cell(createdColumn<Row>(undefined, Date.now()))).toBe(`<td>${utc}</td>`);
    expect(cell(createdColumn<Row>())).toBe(`<td>${utc}</td>`);
  });
});

describe("list inputs", () => {
  it("asks for the page, the search and the sort the URL holds", () => {
    const list = listParams({ q: "web", sort: "name", order: "desc", cursor: "c2", limit: 50 });
    expect(listInput(list)).toEqual({
      cursor: "c2",
      limit: 50,
      search: "web",
      sort: "name",
      order: "desc",
    });
    expect(pageInput(list)).toEqual({ cursor: "c2", limit: 50 });
  });
});
