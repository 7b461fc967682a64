"use client";

import { lazyComponent } from "~/components/lazyComponent";

// The L2 page's interactive parts. The server's HTML shows them at once; their code loads after
// the page's first load and hydrates them then (React keeps the server's HTML until it has).

export const NetworkHeader = lazyComponent(() =>
  import("../../NetworkHeader").then((m) => m.NetworkHeader),
);
export const CreateL3Button = lazyComponent(() =>
  import("./L2Islands").then((m) => m.CreateL3Button),
);
export const L2SriovPanel = lazyComponent(() => import("./L2Islands").then((m) => m.L2SriovPanel));
export const L2VfPortPolicy = lazyComponent(() =>
  import("./L2Islands").then((m) => m.L2VfPortPolicy),
);
export const ClustersPanel = lazyComponent(() =>
  import("./L2Islands").then((m) => m.ClustersPanel),
);
