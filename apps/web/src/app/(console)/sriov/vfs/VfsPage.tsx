"use client";

import type { VfView } from "@virtfn/core";
import type { VfState } from "@virtfn/db";
import { Link } from "~/components/ui/Link";
import { Badge } from "~/components/badges";
import { Button } from "~/components/ui/Button";
import { ListView, type Column } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { useServerListView } from "~/components/ui/useServerList";
import type { ShownError } from "~/lib/errors";
import { dateTime } from "~/lib/time-format";
import type { RouterOutputs } from "~/trpc/outputs";
import { vfStates, vfsList } from "./vfs-list";

const stateOptions = vfStates.map((s) => ({ value: s, label: s }));
const stateTone = {
  Available: "ok",
  Reserved: "info",
  Attached: "info",
  Releasing: "warn",
  Missing: "err",
} as const satisfies Record<VfState, string>;

/** Where the scope came from (a PF or host link): named from the rows once they are loaded. */
function scopeLabel(kind: "pf" | "host", id: string, first: VfView | undefined): string {
  if (kind === "pf") {
    return first ? `${first.pfName ?? first.pfPciAddress} on ${first.hostName}` : id.slice(0, 8);
  }
  return first ? first.hostName : id.slice(0, 8);
}

const columns: Column<VfView>[] = [
  {
    key: "pci",
    header: "PCI address",
    cell: (vf) => (
      <>
        <code>{vf.pciAddress}</code>
        <div className="sub show-narrow">
          {vf.hostName} · {vf.pfName ?? vf.pfPciAddress} #{vf.index}
        </div>
      </>
    ),
  },
  {
    key: "host",
    header: "Host",
    secondary: true,
    cell: (vf) => <Link href={`/hosts/${vf.hostId}`}>{vf.hostName}</Link>,
  },
  {
    key: "pf",
    header: "PF",
    secondary: true,
    cell: (vf) => (
      <>
        <Link href={`/sriov/vfs?pf=${vf.pfId}`} title="Only this PF's VFs">
          {vf.pfName ?? vf.pfPciAddress}
        </Link>
        {vf.pfLinkUp ? null : (
          <div className="sub">
            <Badge tone="warn">link down</Badge>
          </div>
        )}
      </>
    ),
  },
  { key: "index", header: "Index", num: true, secondary: true, cell: (vf) => vf.index },
  {
    key: "state",
    header: "State",
    cell: (vf) => (
      <Badge tone={stateTone[vf.state]} title={`Since ${dateTime(vf.stateChangedAt)}`}>
        {vf.state}
      </Badge>
    ),
  },
  {
    key: "vm",
    header: "VM",
    cell: (vf) =>
      vf.holder ? (
        <Link href={`/vms/${vf.holder.vmId}`}>{vf.holder.vmName}</Link>
      ) : (
        <span className="muted">—</span>
      ),
  },
  {
    key: "nic",
    header: "NIC",
    secondary: true,
    cell: (vf) =>
      vf.holder ? (
        <>
          nic{vf.holder.deviceIndex} · {vf.holder.ip}
          <div className="sub">
            {vf.holder.l3Name} on {vf.holder.l2Name}
          </div>
        </>
      ) : (
        "—"
      ),
  },
  {
    key: "mac",
    header: "MAC",
    secondary: true,
    cell: (vf) => <code>{vf.holder?.mac ?? vf.mac ?? "—"}</code>,
  },
  {
    key: "vlan",
    header: "VLAN",
    num: true,
    secondary: true,
    cell: (vf) => vf.holder?.vlanId ?? "—",
  },
];

type VfPage = RouterOutputs["sriov"]["vfs"];

export function VfsPage({
  data,
  error,
  l2Options,
}: {
  data: VfPage | null;
  error: ShownError | null;
  /** The SR-IOV L2 networks to filter by. */
  l2Options: { value: string; label: string }[];
}) {
  const vfs = useServerListView({ data, error }, 10_000, vfsList);
  const { pf, host } = vfs.list.filters;
  const first = vfs.query.data?.items[0];
  const scope = (kind: "pf" | "host", id: string | undefined, label: string) =>
    id ? (
      <span className="field-inline" data-testid="vf-scope">
        {kind === "pf" ? "PF" : "Host"} {scopeLabel(kind, id, first)}{" "}
        <Button
          variant="ghost"
          size="sm"
          aria-label={label}
          onClick={() => vfs.list.setFilter(kind, undefined)}
        >
          ×
        </Button>
      </span>
    ) : null;

  return (
    <>
      <PageHeader
        title="Virtual functions"
        subtitle={
          <>
            Every VF in the fleet: who holds it, on which host and PF, with its MAC and VLAN. Search
            by PCI address (<code>0000:04:10.2</code> or <code>04:10.2</code>), MAC, VM or host
            name.
          </>
        }
      />
      <ListView
        {...vfs}
        columns={columns}
        rowTestId="vf-row"
        rowData={(vf) => ({ "data-state": vf.state })}
        noun="VFs"
        className="vf-table"
        search={{ label: "Search VFs", placeholder: "PCI address, MAC, VM or host name…" }}
        filters={[
          { key: "state", label: "State", allLabel: "All states", options: stateOptions },
          {
            key: "l2",
            label: "L2 network",
            allLabel: "All L2 networks",
            options: l2Options,
          },
        ]}
        toolbar={
          <>
            {scope("pf", pf, "Show every PF")}
            {scope("host", host, "Show every host")}
          </>
        }
        empty={
          <>
            <p>
              <strong>No VFs yet.</strong>
            </p>
            <p>
              VFs appear when a PF is split: open a host and use <em>SR-IOV split</em> on one of its
              NICs.
            </p>
          </>
        }
      />
    </>
  );
}
