"use client";

import type { VmDetail } from "@virtfn/core";
import { useState } from "react";
import { operationKindLabel } from "~/lib/operation-kinds";
import { withDataLayer } from "~/trpc/withDataLayer";

// The attach form reads the project's networks: it brings the data layer when it opens.
const AttachNicDialog = withDataLayer(() =>
  import("./AttachNicDialog").then((m) => m.AttachNicDialog),
);

/** The NIC panel's head: the count and, for those who may change the VM, Attach NIC. */
export function NicsHeader({ vm, readOnly }: { vm: VmDetail; readOnly: boolean }) {
  const [open, setOpen] = useState(false);
  const busy = vm.activeOperation
    ? `${operationKindLabel(vm.activeOperation.kind).toLowerCase()} in progress`
    : null;
  const reason = busy ?? vm.actions.attachNic.reason;
  return (
    <div className="panel-head">
      <h2>
        NICs <span className="count">{vm.nics.length}</span>
      </h2>
      {readOnly ? null : (
        <>
          <button
            type="button"
            className="btn btn-sm"
            disabled={reason !== null}
            title={reason ? `Attach NIC — ${reason}` : undefined}
            onClick={() => setOpen(true)}
          >
            Attach NIC
          </button>
          {open ? <AttachNicDialog vm={vm} onClose={() => setOpen(false)} /> : null}
        </>
      )}
    </div>
  );
}
