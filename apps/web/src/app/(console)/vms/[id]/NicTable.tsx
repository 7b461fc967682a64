import type { Verdict, VmDetail, VmNicView } from "@virtfn/core";
import { Badge } from "~/components/badges";
import { kbps } from "~/lib/format";
import { NicTypeBadge } from "../vmState";
import { NicActions, NicMigratableToggle } from "./islands";
import { VfPortSummary } from "./VfPortSummary";
import { Table } from "~/components/ui/Table";

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
        title="A forced restore of the PF took this VF. A reboot or start takes a free VF of the L2 back."
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
          : "A stopped VM holds no VF; the NIC gets one back at the next start."
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

/** The VM's NICs, rendered on the server; each row's menu and dialogs are a client island. */
export function NicTable({ vm, readOnly }: { vm: VmDetail; readOnly: boolean }) {
  if (vm.nics.length === 0) return <p className="muted">This VM has no NICs.</p>;
  return (
    <Table
      className="vm-nic-table"
      testId="vm-nic-table"
      head={
        <>
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
        </>
      }
    >
      {vm.nics.map((n) => {
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
            <td data-label="Type">
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
            <td data-label="VF PCI address">{vfCell(vm, n)}</td>
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
            {readOnly ? null : (
              <td className="num row-actions">
                <NicActions vm={vm} nic={n} />
              </td>
            )}
          </tr>
        );
      })}
    </Table>
  );
}
