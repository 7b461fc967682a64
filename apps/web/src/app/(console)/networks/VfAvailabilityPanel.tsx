import type { HostVfAvailability } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { Badge } from "~/components/badges";
import { RetryErrorBox } from "~/components/detail/RetryErrorBox";
import type { RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { Table } from "~/components/ui/Table";

// R3 per host, as core's availability query answers it for an L3 (sriov.availability) or an L2
// (sriov.l2Availability): the zone's sums and the first hosts, attached clusters first. The page
// reads it on the server and again while it is open (VFs come and go as VMs start and stop).

/** What both answer (an L3's also names the L3). */
export type VfAvailability = RouterOutputs["sriov"]["l2Availability"];

function availabilityTone(row: HostVfAvailability): "ok" | "warn" | "muted" | "err" {
  if (row.reason === null) return "ok";
  if (row.reason === "CLUSTER_NOT_ATTACHED" || row.reason === "SRIOV_DISABLED") return "muted";
  if (row.reason === "HOST_DISCONNECTED") return "err";
  return "warn";
}

const reasonLabel: Record<NonNullable<HostVfAvailability["reason"]>, string> = {
  INTERFACE_NOT_SPLIT: "Not split",
  IOMMU_NOT_READY: "IOMMU not ready",
  CLUSTER_NOT_ATTACHED: "Cluster not attached",
  ALL_VFS_IN_USE: "All in use",
  HOST_DISCONNECTED: "Disconnected",
  INTERFACE_NOT_FOUND: "No such interface",
  SRIOV_DISABLED: "SR-IOV off",
  HOST_IN_MAINTENANCE: "In maintenance",
  VFS_IN_OTHER_POOLS: "In other L2s' pools",
};

export function VfAvailabilityPanel({
  availability,
  disabledNote,
}: {
  /** sriov.availability (an L3) or sriov.l2Availability (an L2), as the server read it. */
  availability: Settled<VfAvailability>;
  /** Said instead of the sums when the network hands out no VFs (SR-IOV off). */
  disabledNote: string;
}) {
  const data = availability.data;
  return (
    <section className="panel" aria-labelledby="vf-availability-heading">
      <h2 id="vf-availability-heading">
        VF availability per host{" "}
        {data ? (
          <span className="count" data-testid="vf-availability-total">
            {data.available} / {data.total}
          </span>
        ) : null}
      </h2>
      {!data ? (
        <RetryErrorBox title="Could not load VF availability." error={availability.error} />
      ) : (
        <>
          <p className="muted small">
            {data.sriovEnabled
              ? `${data.available} of ${data.total} VFs of interface ${data.physicalInterface} are available, on ${data.offeringHosts} of ${data.hostCount} host${data.hostCount === 1 ? "" : "s"} in the zone.${data.hosts.length < data.hostCount ? ` The first ${data.hosts.length} hosts are listed, attached clusters first.` : ""}`
              : disabledNote}
          </p>
          {data.hosts.length === 0 ? (
            <p className="muted">The zone has no hosts.</p>
          ) : (
            <Table
              className="vf-table"
              testId="vf-availability"
              head={
                <>
                  <th>Host</th>
                  <th className="hide-narrow">Cluster</th>
                  <th className="hide-narrow">Interface</th>
                  <th className="num">
                    VFs<span className="hide-narrow"> avail / total</span>
                  </th>
                  <th>Status</th>
                </>
              }
            >
              {data.hosts.map((row) => (
                <tr
                  key={row.hostId}
                  data-testid="vf-row"
                  data-host={row.hostName}
                  data-reason={row.reason ?? ""}
                >
                  <td>
                    <Link href={`/hosts/${row.hostId}`} className="strong-link">
                      {row.hostName}
                    </Link>
                    <div className="sub show-narrow">
                      {row.clusterName}
                      {row.interfaces.length ? ` · ${row.interfaces.join(", ")}` : ""}
                    </div>
                  </td>
                  <td className="hide-narrow">{row.clusterName}</td>
                  <td className="hide-narrow">
                    {row.interfaces.length ? (
                      row.interfaces.map((name) => (
                        <code key={name} className="iface">
                          {name}
                        </code>
                      ))
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="num" data-testid="vf-count">
                    {row.available} / {row.total}
                  </td>
                  <td className="vf-status">
                    <Badge tone={availabilityTone(row)}>
                      {row.reason === null ? "Available" : reasonLabel[row.reason]}
                    </Badge>
                    <div className="sub" data-testid="vf-message">
                      {row.message}
                    </div>
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </>
      )}
    </section>
  );
}
