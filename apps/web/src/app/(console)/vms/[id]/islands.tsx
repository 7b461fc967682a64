"use client";

import { lazyIsland } from "~/components/detail/lazyIsland";

// The VM page's interactive parts, as lazyIsland: the server renders them, their code
// loads after the page's first load, and their buttons wait for it.

export const VmActions = lazyIsland(() => import("./VmActions").then((m) => m.VmActions));
export const NicsHeader = lazyIsland(() => import("./NicsHeader").then((m) => m.NicsHeader));
export const NicActions = lazyIsland(() => import("./NicActions").then((m) => m.NicActions));
export const NicMigratableToggle = lazyIsland(() =>
  import("./NicMigratableToggle").then((m) => m.NicMigratableToggle),
);
export const PciDeviceActions = lazyIsland(() =>
  import("./PciDeviceActions").then((m) => m.PciDeviceActions),
);
export const PciActionError = lazyIsland(() =>
  import("./PciDeviceActions").then((m) => m.PciActionError),
);
export const RemovePciDevice = lazyIsland(() =>
  import("./PciDeviceActions").then((m) => m.RemovePciDevice),
);
export const GivePciDevice = lazyIsland(() =>
  import("./PciDeviceActions").then((m) => m.GivePciDevice),
);
