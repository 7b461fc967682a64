"use client";

import { lazyIsland } from "~/components/detail/lazyIsland";

// The L2 page's interactive parts, as lazyIsland: the server renders them, their code
// loads after the page's first load, and their buttons wait for it.

export const NetworkHeader = lazyIsland(() =>
  import("../../NetworkHeader").then((m) => m.NetworkHeader),
);
export const CreateL3Button = lazyIsland(() => import("./L2Islands").then((m) => m.CreateL3Button));
export const L2SriovPanel = lazyIsland(() => import("./L2Islands").then((m) => m.L2SriovPanel));
export const L2VfPortPolicy = lazyIsland(() => import("./L2Islands").then((m) => m.L2VfPortPolicy));
export const ClustersPanel = lazyIsland(() => import("./L2Islands").then((m) => m.ClustersPanel));
