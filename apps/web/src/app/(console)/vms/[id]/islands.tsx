"use client";

import { lazyComponent } from "~/components/lazyComponent";

// The VM page's interactive parts. The server's HTML shows them at once; their code loads after
// the page's first load and hydrates them then (React keeps the server's HTML until it has).

export const VmActions = lazyComponent(() => import("./VmActions").then((m) => m.VmActions));
export const NicsHeader = lazyComponent(() => import("./NicsHeader").then((m) => m.NicsHeader));
export const NicActions = lazyComponent(() => import("./NicActions").then((m) => m.NicActions));
export const NicMigratableToggle = lazyComponent(() =>
  import("./NicMigratableToggle").then((m) => m.NicMigratableToggle),
);
export const PciDeviceActions = lazyComponent(() =>
  import("./PciDeviceActions").then((m) => m.PciDeviceActions),
);
export const PciActionError = lazyComponent(() =>
  import("./PciDeviceActions").then((m) => m.PciActionError),
);
export const RemovePciDevice = lazyComponent(() =>
  import("./PciDeviceActions").then((m) => m.RemovePciDevice),
);
export const GivePciDevice = lazyComponent(() =>
  import("./PciDeviceActions").then((m) => m.GivePciDevice),
);
