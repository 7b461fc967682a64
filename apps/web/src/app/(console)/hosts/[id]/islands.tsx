"use client";

import { lazyIsland } from "~/components/detail/lazyIsland";

// The host page's interactive parts, as lazyIsland: the server renders them, their code
// loads after the page's first load, and their buttons wait for it.

export const HostActions = lazyIsland(() => import("./HostActions").then((m) => m.HostActions));
export const PfSriovButtons = lazyIsland(() =>
  import("./PfSriovButtons").then((m) => m.PfSriovButtons),
);
export const PfVfButtons = lazyIsland(() => import("./PfVfButtons").then((m) => m.PfVfButtons));
export const AssignableActions = lazyIsland(() =>
  import("./AssignableActions").then((m) => m.AssignableActions),
);
export const AssignableError = lazyIsland(() =>
  import("./AssignableActions").then((m) => m.AssignableError),
);
export const AssignableButton = lazyIsland(() =>
  import("./AssignableActions").then((m) => m.AssignableButton),
);
