"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { availabilityLabel, PciIdentityCells, PciIdentityHeads } from "~/components/passthru/pci";
import { useCan } from "~/components/session";
import { useTRPC } from "~/trpc/react";

// The host's PCI devices for whole-device passthrough (issue 17): what the agent reports, who
// holds or is given each, and mark/unmark assignable for admins. The buttons carry core's
// verdicts, so a refusal is explained before the click.

export function PciDevicesPanel({ hostId }: { hostId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isAdmin = useCan("inventory.manage");
  const devices = useQuery(trpc.passthru.hostDevices.queryOptions({ hostId }));
  const setAssignable = useMutation(
    trpc.passthru.setAssignable.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.passthru.pathFilter()),
    }),
  );
  const list = devices.data ?? [];

  return (
    <section className="panel" data-testid="pci-devices">
      <h2>
        PCI devices <span className="count">{list.length}</span>
      </h2>
      <p className="muted">
        Whole devices (a GPU, a NIC that is not split) an admin can mark assignable; a VM given one
        holds it while it runs. A split PF or a device sharing its IOMMU group is not assignable.
      </p>
      {setAssignable.error ? <ErrorBox error={setAssignable.error} /> : null}
      {devices.isPending ? (
        <p className="loading">Loading PCI devices…</p>
      ) : devices.isError ? (
        <ErrorBox error={devices.error} onRetry={() => void devices.refetch()} />
      ) : list.length === 0 ? (
        <p className="muted" data-testid="pci-devices-empty">
          The agent reports no PCI devices for passthrough on this host.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <PciIdentityHeads />
                <th>Driver</th>
                <th className="num">IOMMU group</th>
                <th className="num">NUMA</th>
                <th>Availability</th>
                <th>VMs</th>
                {isAdmin ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {list.map((d) => {
                const availability = availabilityLabel[d.availability];
                const verdict = d.assignable ? d.verdicts.unmark : d.verdicts.mark;
                return (
                  <tr key={d.id} data-testid="pci-device-row" data-pci={d.pciAddress}>
                    <PciIdentityCells device={d} />
                    <td>{d.driver ?? <span className="muted">none</span>}</td>
                    <td className="num">{d.iommuGroup ?? "—"}</td>
                    <td className="num">{d.numaNode ?? "—"}</td>
                    <td>
                      <Badge tone={availability.tone}>{availability.label}</Badge>
                      {d.heldBy ? (
                        <span className="sub-inline">
                          {" "}
                          by <Link href={`/vms/${d.heldBy.id}`}>{d.heldBy.name}</Link>
                        </span>
                      ) : null}
                    </td>
                    <td>
                      {d.assignedTo.length === 0
                        ? "—"
                        : d.assignedTo.map((vm, i) => (
                            <span key={vm.id}>
                              {i > 0 ? ", " : ""}
                              <Link href={`/vms/${vm.id}`}>{vm.name}</Link>
                            </span>
                          ))}
                    </td>
                    {isAdmin ? (
                      <td>
                        <button
                          type="button"
                          className="btn btn-sm"
                          data-testid={d.assignable ? "pci-unmark" : "pci-mark"}
                          disabled={!verdict.allowed || setAssignable.isPending}
                          title={verdict.reason ?? undefined}
                          onClick={() =>
                            setAssignable.mutate({ pciDeviceId: d.id, assignable: !d.assignable })
                          }
                        >
                          {d.assignable ? "Unmark" : "Mark assignable"}
                        </button>
                        {!verdict.allowed && verdict.code ? (
                          <div className="sub-inline muted small" data-testid="pci-verdict">
                            {verdict.reason}
                          </div>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
