"use client";

import type { HostDetail, NicDetail, Verdict } from "@virtfn/core";
import { useState } from "react";
import { withDataLayer } from "~/trpc/withDataLayer";

// Split and restore open from a PF's row; their forms, queries and progress load with the first
// open, with the data layer they follow the operation by.
const SplitDialog = withDataLayer(() => import("./PfDialogs").then((m) => m.SplitDialog));
const RestoreDialog = withDataLayer(() => import("./PfDialogs").then((m) => m.RestoreDialog));

/** A PF's SR-IOV split (or resize) and restore buttons, with core's verdicts, and their dialog. */
export function PfSriovButtons({
  host,
  nic,
  split,
  hostWide,
}: {
  host: HostDetail;
  nic: NicDetail;
  /** Split's verdict, or resize's for a PF that has VFs. */
  split: Verdict;
  /** The reason every splittable NIC of the host shares (said once, above the table). */
  hostWide: string | null;
}) {
  const [dialog, setDialog] = useState<"split" | "restore" | null>(null);
  const restore = nic.actions.restore;
  const PfDialog = dialog === "restore" ? RestoreDialog : SplitDialog;
  return (
    <>
      <button
        type="button"
        className="btn btn-sm"
        disabled={!split.allowed}
        title={split.reason ? `SR-IOV split — ${split.reason}` : undefined}
        aria-describedby={!split.allowed && hostWide ? "nic-actions-note" : undefined}
        onClick={() => setDialog("split")}
      >
        SR-IOV split
      </button>
      <button
        type="button"
        className="btn btn-sm btn-danger-outline"
        disabled={!restore.allowed}
        title={restore.reason ? `SR-IOV restore — ${restore.reason}` : undefined}
        onClick={() => setDialog("restore")}
      >
        SR-IOV restore
      </button>
      {dialog ? (
        <PfDialog
          key={`${dialog}-${nic.id}`}
          host={host}
          nic={nic}
          open
          onClose={() => setDialog(null)}
        />
      ) : null}
    </>
  );
}
