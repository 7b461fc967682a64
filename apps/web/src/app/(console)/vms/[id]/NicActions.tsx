"use client";

import type { Verdict, VmDetail, VmNicView } from "@virtfn/core";
import { useState } from "react";
import { lazyComponent } from "~/components/lazyComponent";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { operationKindLabel } from "~/lib/operation-kinds";
import { withDataLayer } from "~/trpc/withDataLayer";

// Each dialog loads when it first opens; those that read option lists (security groups, EIPs)
// bring the data layer with them.
const TypeDialog = lazyComponent(() => import("./NicChangeDialogs").then((m) => m.TypeDialog));
const QosDialog = lazyComponent(() => import("./NicChangeDialogs").then((m) => m.QosDialog));
const DetachDialog = lazyComponent(() => import("./NicChangeDialogs").then((m) => m.DetachDialog));
const VfPortDialog = lazyComponent(() => import("./VfPortDialog").then((m) => m.VfPortDialog));
const SecurityGroupsDialog = withDataLayer(() =>
  import("./NicServiceDialogs").then((m) => m.SecurityGroupsDialog),
);
const EipDialog = withDataLayer(() => import("./NicServiceDialogs").then((m) => m.EipDialog));

type NicDialog = "type" | "port" | "qos" | "securityGroups" | "eip" | "detach";

/** A NIC's actions behind one menu; a refused one is greyed out with core's reason under it. */
export function NicActions({ vm, nic }: { vm: VmDetail; nic: VmNicView }) {
  const [dialog, setDialog] = useState<NicDialog | null>(null);
  const busy = vm.activeOperation
    ? `${operationKindLabel(vm.activeOperation.kind).toLowerCase()} in progress`
    : null;
  const close = () => setDialog(null);
  const to = nic.type === "VF" ? "vNIC" : "VF";
  // VF NICs only: link state is the tenant's, so its verdict decides the button (issue 16).
  const port: Array<[NicDialog, string, Verdict, string?]> = nic.vfPort
    ? [["port", "Port…", nic.vfPort.verdicts.linkState]]
    : [];
  const items: Array<[NicDialog, string, Verdict, string?]> = [
    ["type", `Make ${to}`, nic.capabilities.typeChange],
    ...port,
    ["qos", "QoS…", nic.capabilities.qos],
    ["securityGroups", "Security groups…", nic.capabilities.securityGroups],
    ["eip", "EIP…", nic.eip ? { allowed: true, reason: null, code: null } : nic.capabilities.eip],
    ["detach", "Detach", vm.actions.detachNic],
  ];
  return (
    <>
      <ActionMenu
        ariaLabel={`Actions for ${nic.name}`}
        items={items.map(([kind, label, verdict]) => ({
          label,
          danger: kind === "detach",
          testId: `nic-action-${kind}`,
          // Busy applies to what goes through an operation or locks the VM (all of them here).
          disabledReason: busy ?? (verdict.allowed ? null : verdict.reason),
          onSelect: () => setDialog(kind),
        }))}
      />
      {dialog ? (
        dialog === "type" ? (
          <TypeDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog === "port" ? (
          <VfPortDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog === "qos" ? (
          <QosDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog === "securityGroups" ? (
          <SecurityGroupsDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog === "eip" ? (
          <EipDialog vm={vm} nic={nic} onClose={close} />
        ) : (
          <DetachDialog vm={vm} nic={nic} onClose={close} />
        )
      ) : null}
    </>
  );
}
