"use client";

import { lazyComponent } from "~/components/lazyComponent";

// The L3 page's interactive parts. The server's HTML shows them at once; their code loads after
// the page's first load and hydrates them then (React keeps the server's HTML until it has).

export const NetworkHeader = lazyComponent(() =>
  import("../../NetworkHeader").then((m) => m.NetworkHeader),
);
export const L3SriovPanel = lazyComponent(() => import("./L3Islands").then((m) => m.L3SriovPanel));
export const L3VfPortPolicy = lazyComponent(() =>
  import("./L3Islands").then((m) => m.L3VfPortPolicy),
);
export const IpRangesPanel = lazyComponent(() =>
  import("./L3Islands").then((m) => m.IpRangesPanel),
);
export const L3MigratablePanel = lazyComponent(() =>
  import("./L3MigratablePanel").then((m) => m.L3MigratablePanel),
);
