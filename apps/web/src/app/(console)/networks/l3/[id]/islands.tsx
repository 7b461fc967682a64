"use client";

import { lazyIsland } from "~/components/detail/lazyIsland";

// The L3 page's interactive parts, as lazyIsland: the server renders them, their code
// loads after the page's first load, and their buttons wait for it.

export const NetworkHeader = lazyIsland(() =>
  import("../../NetworkHeader").then((m) => m.NetworkHeader),
);
export const L3SriovPanel = lazyIsland(() => import("./L3Islands").then((m) => m.L3SriovPanel));
export const L3VfPortPolicy = lazyIsland(() => import("./L3Islands").then((m) => m.L3VfPortPolicy));
export const IpRangesPanel = lazyIsland(() => import("./L3Islands").then((m) => m.IpRangesPanel));
export const L3MigratablePanel = lazyIsland(() =>
  import("./L3MigratablePanel").then((m) => m.L3MigratablePanel),
);
