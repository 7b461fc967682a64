"use client";

import { lazyComponent } from "~/components/lazyComponent";

// The host page's interactive parts. The server's HTML shows them at once; their code loads after
// the page's first load and hydrates them then (React keeps the server's HTML until it has).

export const HostActions = lazyComponent(() => import("./HostActions").then((m) => m.HostActions));
export const PfSriovButtons = lazyComponent(() =>
  import("./PfSriovButtons").then((m) => m.PfSriovButtons),
);
export const PfVfButtons = lazyComponent(() => import("./PfVfButtons").then((m) => m.PfVfButtons));
export const AssignableActions = lazyComponent(() =>
  import("./AssignableActions").then((m) => m.AssignableActions),
);
export const AssignableError = lazyComponent(() =>
  import("./AssignableActions").then((m) => m.AssignableError),
);
export const AssignableButton = lazyComponent(() =>
  import("./AssignableActions").then((m) => m.AssignableButton),
);
