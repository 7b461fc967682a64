import type { HostDetail } from "@virtfn/core";
import type { VfState } from "@virtfn/db";
import { Link } from "~/components/ui/Link";
import { DataTable, type Column } from "~/components/ui/DataTable";
import { memory } from "~/lib/format";
import { VmStateBadge } from "~/app/(console)/vms/vmState";
import { Table } from "~/components/ui/Table";

// What the host gives its VMs, from core's allocation (the sums placement judges by): CPU and
// memory used of total, VFs by state per PF with each PF's NUMA node, the NUMA nodes, the VMs.

const VF_STATES: VfState[] = ["Available", "Reserved", "Attached", "Releasing", "Missing"];
/** The states a 390 px screen keeps: what is free and what VMs hold. */
const NARROW_STATES: ReadonlySet<VfState> = new Set(["Available", "Attached"]);

function UsageBar({
  label,
  used,
  total,
  text,
}: {
  label: string;
  used: number;
  total: number;
  text: string;
}) {
  const percent = total > 0 ? Math.min(100, Math.round((100 * used) / total)) : 0;
  return (
    <div className="usage" data-testid={`usage-${label.toLowerCase()}`}>
      <div className="usage-head">
        <span className="strong">{label}</span>
        <span className="usage-text">{text}</span>
      </div>
      <div
        className={`progress usage-bar${percent >= 90 ? " usage-high" : ""}`}
        role="meter"
        aria-label={`${label} used`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={used}
        aria-valuetext={text}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

export function HostAllocationPanel({ host }: { host: HostDetail }) {
  const { allocation } = host;
  const splitNics = host.nics.filter((nic) => nic.vfTotal > 0 || nic.vfStates.Missing > 0);
  const pfsOnNode = (node: number) =>
    host.nics.filter((nic) => nic.numaNode === node).map((nic) => nic.label);
  return (
    <section className="panel" aria-labelledby="allocation-heading" data-testid="host-allocation">
      <h2 id="allocation-heading">Allocation</h2>
      <p className="muted small">
        Used by VMs that run on the host or hold its resources while they start, stop or move.
      </p>
      <div className="usage-grid">
        <UsageBar
          label="CPU"
          used={allocation.cpu.used}
          total={allocation.cpu.total}
          text={`${allocation.cpu.used} of ${allocation.cpu.total} vCPUs`}
        />
        <UsageBar
          label="Memory"
          used={allocation.memoryMiB.used}
          total={allocation.memoryMiB.total}
          text={`${memory(allocation.memoryMiB.used) === "—" ? "0 MiB" : memory(allocation.memoryMiB.used)} of ${memory(allocation.memoryMiB.total)}`}
        />
      </div>

      <h3>VFs by state</h3>
      {splitNics.length === 0 ? (
        <p className="muted">No PF of this host is split.</p>
      ) : (
        <Table
          testId="vf-states"
          head={
            <>
              <th>PF</th>
              <th className="num">NUMA</th>
              {VF_STATES.map((state) => (
                <th key={state} className={`num${NARROW_STATES.has(state) ? "" : " hide-narrow"}`}>
                  {state}
                </th>
              ))}
            </>
          }
        >
          {splitNics.map((nic) => (
            <tr key={nic.id} data-testid="vf-state-row" data-nic={nic.label}>
              <td className="strong">{nic.label}</td>
              <td className="num">{nic.numaNode ?? "—"}</td>
              {VF_STATES.map((state) => (
                <td
                  key={state}
                  className={`num${NARROW_STATES.has(state) ? "" : " hide-narrow"}`}
                  data-state={state}
                >
                  {nic.vfStates[state]}
                </td>
              ))}
            </tr>
          ))}
        </Table>
      )}

      <h3>NUMA topology</h3>
      {allocation.numaNodes === null || allocation.numaNodes.length === 0 ? (
        <p className="muted">The agent reports no NUMA nodes for this host.</p>
      ) : (
        <Table
          testId="numa-nodes"
          head={
            <>
              <th>Node</th>
              <th className="num">vCPUs bound / CPUs</th>
              <th className="num hide-narrow">Memory bound / total</th>
              <th>PFs</th>
            </>
          }
        >
          {allocation.numaNodes.map((node) => (
            <tr key={node.id}>
              <td className="strong">node{node.id}</td>
              <td className="num">
                {node.usedVcpus} / {node.cpuCount}
              </td>
              <td className="num hide-narrow">
                {node.usedMemoryMiB > 0 ? memory(node.usedMemoryMiB) : "0"} /{" "}
                {memory(node.memoryMiB)}
              </td>
              <td>{pfsOnNode(node.id).join(", ") || <span className="muted">—</span>}</td>
            </tr>
          ))}
        </Table>
      )}

      <h3>
        VMs on this host <span className="count">{host.vmCount}</span>
      </h3>
      <HostVmList host={host} />
    </section>
  );
}

const hostVmColumns: Column<HostDetail["allocation"]["vms"][number]>[] = [
  {
    key: "vm",
    header: "VM",
    cell: (vm) => (
      <>
        <Link href={`/vms/${vm.id}`} className="strong-link">
          {vm.name}
        </Link>
        <div className="sub show-narrow">{vm.projectName}</div>
      </>
    ),
  },
  { key: "state", header: "State", cell: (vm) => <VmStateBadge state={vm.state} /> },
  { key: "project", header: "Project", secondary: true, cell: (vm) => vm.projectName },
  { key: "vcpus", header: "vCPUs", num: true, cell: (vm) => vm.vcpus },
  {
    key: "memory",
    header: "Memory",
    num: true,
    secondary: true,
    cell: (vm) => memory(vm.memoryMiB),
  },
  { key: "vfNics", header: "VF NICs", num: true, cell: (vm) => vm.vfNics },
];

/** The VMs on the host, linked; the first of them when there are many. */
export function HostVmList({ host }: { host: HostDetail }) {
  const { vms } = host.allocation;
  if (vms.length === 0) return <p className="muted">No VMs are placed on this host.</p>;
  return (
    <>
      <DataTable
        rows={vms}
        columns={hostVmColumns}
        testId="host-vms"
        rowTestId="host-vm-row"
        rowData={(vm) => ({ "data-vm": vm.name })}
      />
      {host.vmCount > vms.length ? (
        <p className="muted small">
          The first {vms.length} of {host.vmCount} VMs by name.
        </p>
      ) : null}
    </>
  );
}
