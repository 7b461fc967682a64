"use client";

import { useQuery } from "@tanstack/react-query";
import { Link } from "~/components/ui/Link";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { bitRate, byteTotal, perSecond } from "~/lib/counters";
import { relativeTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import type { PfDialogProps } from "./PfDialogs";
import { Table } from "~/components/ui/Table";

// The per-PF counters view (issue 16): every VF of the PF that a NIC holds, with its VM, its
// rates over the last two samples and its totals. A counter the PF driver does not keep is "—".

const NOT_COUNTED = "Not counted by this PF's driver";

/** The VF counters of one PF, refreshed while open (loaded by PfVfButtons). */
export function PfCountersDialog({ host, nic, onClose }: PfDialogProps) {
  const trpc = useTRPC();
  const counters = useQuery({
    ...trpc.sriov.pfCounters.queryOptions({ pfId: nic.id }),
    refetchInterval: 15_000,
  });
  return (
    <Dialog open onClose={onClose} title={`VF traffic: ${nic.label} on ${host.name}`} wide>
      <div className="dialog-content" data-testid="pf-counters">
        {counters.isPending ? (
          <p className="muted">Loading counters…</p>
        ) : counters.isError ? (
          <ErrorBox error={counters.error} onRetry={() => void counters.refetch()} />
        ) : counters.data.vfs.length === 0 ? (
          <p className="muted" data-testid="pf-counters-empty">
            No VF counters: no running VM holds a VF of {nic.label}, or its driver ({nic.driver})
            keeps no VF counters (igb and ixgbe keep none).
          </p>
        ) : (
          <Table
            className="pf-counters-table"
            testId="pf-counters-table"
            head={
              <>
                <th scope="col">VF</th>
                <th scope="col">VM · NIC</th>
                <th scope="col">RX</th>
                <th scope="col">TX</th>
                <th scope="col">Packets RX / TX</th>
                <th scope="col">Dropped RX / TX</th>
                <th scope="col">Read</th>
              </>
            }
          >
            {counters.data.vfs.map((vf) => {
              const v = vf.latest.values;
              const r = vf.rate;
              const drops =
                v.rxDropped === null && v.txDropped === null ? (
                  <td title={NOT_COUNTED} data-testid="counter-absent">
                    —
                  </td>
                ) : (
                  <td>
                    {perSecond(r?.rxDropped ?? null)} / {perSecond(r?.txDropped ?? null)}
                  </td>
                );
              return (
                <tr key={vf.pciAddress}>
                  <td>
                    #{vf.vfIndex} <span className="sub mono">{vf.pciAddress}</span>
                  </td>
                  <td>
                    <Link href={`/vms/${vf.vmId}`}>{vf.vm}</Link> · {vf.nic}
                  </td>
                  <td>
                    {bitRate(r?.rxBytes ?? null)}{" "}
                    <span className="sub">{byteTotal(v.rxBytes)}</span>
                  </td>
                  <td>
                    {bitRate(r?.txBytes ?? null)}{" "}
                    <span className="sub">{byteTotal(v.txBytes)}</span>
                  </td>
                  <td>
                    {perSecond(r?.rxPackets ?? null)} / {perSecond(r?.txPackets ?? null)}
                  </td>
                  {drops}
                  <td>{relativeTime(vf.latest.takenAt)}</td>
                </tr>
              );
            })}
          </Table>
        )}
      </div>
    </Dialog>
  );
}
