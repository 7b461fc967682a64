"use client";

import type { Verdict, VmDetail, VmNicView } from "@virtfn/core";
import { useState } from "react";
import { Badge } from "~/components/badges";
import { lazyComponent } from "~/components/lazyComponent";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { kbps } from "~/lib/format";
import { operationKindLabel } from "~/lib/operation-kinds";
import { withDataLayer } from "~/trpc/withDataLayer";
import { NicTypeBadge } from "../vmState";
import { NicMigratableToggle } from "./NicMigratableToggle";
import { VfPortSummary } from "./VfPortSummary";

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

function vfCell(vm: VmDetail, nic: VmNicView) {
  if (nic.type !== "VF") return <span className="muted">—</span>;
  if (nic.vf) {
    return (
      <>
        <code data-testid="nic-vf-pci">{nic.vf.pciAddress}</code>
        {nic.vf.state !== "Attached" ? <div className="sub">{nic.vf.state}</div> : null}
        {nic.vf.numaNode !== null ? (
          <div className="sub" data-testid="nic-vf-numa">
            NUMA node{nic.vf.numaNode}
          </div>
        ) : null}
        <VfPortSummary nic={nic} />
      </>
    );
  }
  if (nic.vfStatus === "VF lost") {
    return (
      <span
        className="badge badge-warn"
        data-testid="nic-vf-pci"
        title="A forced restore of the PF took this VF (R11). A reboot or start takes a free VF of the L2 back."
      >
        VF lost
      </span>
    );
  }
  return (
    <span
      className="muted"
      data-testid="nic-vf-pci"
      title={
        vm.state === "Running"
          ? "This VF NIC holds no VF."
          : "A stopped VM holds no VF (R8); the NIC gets one back at the next start."
      }
    >
      {vm.state === "Stopped" || vm.state === "Error" ? "released" : "none"}
    </span>
  );
}

/** A service that does not apply to this NIC: the cell says so, with the rule in the tooltip. */
function NotApplicable({ verdict }: { verdict: Verdict }) {
  return (
    <span className="muted na" title={verdict.reason ?? undefined}>
      not on VF NICs
    </span>
  );
}

export function NicTable({ vm, readOnly }: { vm: VmDetail; readOnly: boolean }) {
  const [dialog, setDialog] = useState<{ kind: NicDialog; nicId: string } | null>(null);
  if (vm.nics.length === 0) return <p className="muted">This VM has no NICs.</p>;
  const busy = vm.activeOperation
    ? `${operationKindLabel(vm.activeOperation.kind).toLowerCase()} in progress`
    : null;
  const nic = dialog ? vm.nics.find((n) => n.id === dialog.nicId) : undefined;
  const close = () => setDialog(null);
  return (
    <>
      <div className="table-wrap">
        <table className="data vm-nic-table" data-testid="vm-nic-table">
          <thead>
            <tr>
              <th>Device</th>
              <th>Type</th>
              <th>VF PCI address</th>
              <th className="hide-narrow">IP</th>
              <th className="hide-narrow">L3 network</th>
              <th className="hide-narrow">QoS</th>
              <th className="hide-narrow">Security groups</th>
              <th className="hide-narrow">EIP</th>
              {readOnly ? null : (
                <th className="num row-actions">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {vm.nics.map((n) => {
              const actions = readOnly ? null : (
                <NicActions
                  vm={vm}
                  nic={n}
                  busy={busy}
                  onOpen={(kind) => setDialog({ kind, nicId: n.id })}
                />
              );
              return (
                <tr key={n.id} data-testid="vm-nic-row" data-nic={n.name} data-type={n.type}>
                  <td>
                    <span className="strong">{n.name}</span>
                    {n.isDefault ? (
                      <>
                        {" "}
                        <Badge tone="muted" title="Default route">
                          default
                        </Badge>
                      </>
                    ) : null}
                    <div className="sub" title="MAC address">
                      <code>{n.mac}</code>
                    </div>
                    <div className="sub show-narrow">
                      <code>{n.ip}</code> on {n.l3.name}
                    </div>
                  </td>
                  <td>
                    <NicTypeBadge type={n.type} />
                    {n.migratable && n.type === "VF" ? (
                      <>
                        {" "}
                        <Badge
                          tone="muted"
                          title="A virtio failover partner carries its traffic while the VF is unplugged for a live migration."
                        >
                          migratable
                        </Badge>
                      </>
                    ) : null}
                    <div className="sub nowrap">
                      {n.type === "VF"
                        ? "vfio"
                        : `${n.model} · ${n.mode}${n.queues > 1 ? ` · ${n.queues}q` : ""}`}
                    </div>
                    {readOnly ? null : <NicMigratableToggle nic={n} />}
                  </td>
                  <td>{vfCell(vm, n)}</td>
                  <td className="hide-narrow">
                    <code>{n.ip}</code>
                  </td>
                  <td className="hide-narrow nic-l3" title={`L2 ${n.l3.l2Name}`}>
                    {n.l3.name}
                    <div className="sub">
                      {n.l3.category}
                      {n.l3.vlanId !== null ? ` · VLAN ${n.l3.vlanId}` : ""}
                    </div>
                  </td>
                  <td className="hide-narrow">
                    {n.qos ? (
                      <span className="nowrap">
                        in {kbps(n.qos.inboundKbps)}
                        <div className="sub">out {kbps(n.qos.outboundKbps)}</div>
                      </span>
                    ) : n.capabilities.qos.allowed ? (
                      <span className="muted">—</span>
                    ) : (
                      <NotApplicable verdict={n.capabilities.qos} />
                    )}
                  </td>
                  <td className="hide-narrow">
                    {n.securityGroups.length > 0 ? (
                      n.securityGroups.map((g) => <div key={g.id}>{g.name}</div>)
                    ) : n.capabilities.securityGroups.allowed ? (
                      <span className="muted">—</span>
                    ) : (
                      <NotApplicable verdict={n.capabilities.securityGroups} />
                    )}
                  </td>
                  <td className="hide-narrow">
                    {n.eip ? (
                      <>
                        <code>{n.eip.ip}</code>
                        <div className="sub">{n.eip.name}</div>
                      </>
                    ) : n.capabilities.eip.allowed ? (
                      <span className="muted">—</span>
                    ) : (
                      <NotApplicable verdict={n.capabilities.eip} />
                    )}
                  </td>
                  {readOnly ? null : <td className="num row-actions">{actions}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {dialog && nic ? (
        dialog.kind === "type" ? (
          <TypeDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog.kind === "port" ? (
          <VfPortDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog.kind === "qos" ? (
          <QosDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog.kind === "securityGroups" ? (
          <SecurityGroupsDialog vm={vm} nic={nic} onClose={close} />
        ) : dialog.kind === "eip" ? (
          <EipDialog vm={vm} nic={nic} onClose={close} />
        ) : (
          <DetachDialog vm={vm} nic={nic} onClose={close} />
        )
      ) : null}
    </>
  );
}

/** A NIC's actions behind one menu; a refused one is greyed out with core's reason under it. */
function NicActions({
  vm,
  nic,
  busy,
  onOpen,
}: {
  vm: VmDetail;
  nic: VmNicView;
  busy: string | null;
  onOpen: (kind: NicDialog) => void;
}) {
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
    <ActionMenu
      ariaLabel={`Actions for ${nic.name}`}
      items={items.map(([kind, label, verdict]) => ({
        label,
        danger: kind === "detach",
        testId: `nic-action-${kind}`,
        // Busy applies to what goes through an operation or locks the VM (all of them here).
        disabledReason: busy ?? (verdict.allowed ? null : verdict.reason),
        onSelect: () => onOpen(kind),
      }))}
    />
  );
}
