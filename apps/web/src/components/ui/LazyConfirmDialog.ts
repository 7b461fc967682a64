"use client";

import { lazyComponent } from "~/components/lazyComponent";

/**
 * The confirm dialog of an action (ActionConfirmDialog), loaded when a confirm first opens. Its
 * own module, so that a row menu (ActionMenu) does not bring the confirm buttons' code with it.
 */
export const ActionConfirmDialog = lazyComponent(() =>
  import("./ActionConfirmDialog").then((m) => m.ActionConfirmDialog),
);
