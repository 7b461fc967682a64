"use client";

import { useQuery } from "@tanstack/react-query";
import type { VfCounterValues, VmDetail, VmNicView } from "@virtfn/core";
import { ErrorBox } from "~/components/ErrorBox";
import { RateChart } from "~/components/RateChart";
import { bitRate, byteTotal, countTotal, perSecond } from "~/lib/counters";
import { relativeTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

// The VM page's traffic panel (issue 16): per VF NIC, the rates between the samples the workers
// stored (about half an hour) as a chart, and the latest totals. A counter the PF driver does
// not keep shows "—" with the reason, never 0.

const NOT_COUNTED = "Not counted by this VF's PF driver";

/** One panel for all of the VM's VF NICs; nothing when it has none. */
export function NicCountersPanel({ vm }: { vm: VmDetail }) {
  const vfNics = vm.nics.filter((nic) => nic.type === "VF");
  if (vfNics.length === 0) return null;
  return (
    <section className="panel" data-testid="nic-counters-panel">
      <h2>VF traffic</h2>
      {vfNics.map((nic) => (
        <NicCounters key={nic.id} nic={nic} />
      ))}
    </section>
  );
}

function NicCounters({ nic }: { nic: VmNicView }) {
  const trpc = useTRPC();
  const counters = useQuery({
    ...trpc.vms.nicCounters.queryOptions({ nicId: nic.id }),
    refetchInterval: 15_000,
  });
  const title = `${nic.name} · ${nic.mac}${nic.vf ? ` · VF ${nic.vf.pciAddress}` : ""}`;
  return (
    <div className="nic-counters" data-testid="nic-counters">
      <h3>{title}</h3>
      {counters.isPending ? (
        <p className="muted">Loading counters…</p>
      ) : counters.isError ? (
        <ErrorBox error={counters.error} onRetry={() => void counters.refetch()} />
      ) : counters.data.latest === null ? (
        <p className="muted" data-testid="nic-counters-empty">
          No counters yet. They are read about every 30 s while the VM runs; VFs of PF drivers that
          keep no VF counters (igb, ixgbe) have none.
        </p>
      ) : (
        <>
          {counters.data.rates.length > 0 ? (
            <RateChart
              label={`Received and sent bit rate of ${nic.name}`}
              format={bitRate}
              series={[
                {
                  label: "RX",
                  color: "var(--accent)",
                  points: counters.data.rates.map((r) => ({
                    at: r.at,
                    value: r.perSecond.rxBytes,
                  })),
                },
                {
                  label: "TX",
                  color: "var(--ok)",
                  points: counters.data.rates.map((r) => ({
                    at: r.at,
                    value: r.perSecond.txBytes,
                  })),
                },
              ]}
            />
          ) : (
            <p className="muted">One sample so far: the chart starts with the next one.</p>
          )}
          <Totals
            values={counters.data.latest.values}
            takenAt={counters.data.latest.takenAt}
            lastRate={counters.data.rates.at(-1)?.perSecond ?? null}
          />
        </>
      )}
    </div>
  );
}

function Totals({
  values,
  takenAt,
  lastRate,
}: {
  values: VfCounterValues;
  takenAt: Date;
  lastRate: VfCounterValues | null;
}) {
  const dropCell = (total: number | null, rate: number | null) =>
    total === null ? (
      <td title={NOT_COUNTED} data-testid="counter-absent">
        —
      </td>
    ) : (
      <td>
        {countTotal(total)} <span className="sub-inline">{perSecond(rate)}</span>
      </td>
    );
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="muted">
          Totals since the VF was last reset, read {relativeTime(takenAt)}
        </caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">Bytes</th>
            <th scope="col">Packets</th>
            <th scope="col">Dropped</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">RX</th>
            <td>
              {byteTotal(values.rxBytes)}{" "}
              <span className="sub-inline">{bitRate(lastRate?.rxBytes ?? null)}</span>
            </td>
            <td>
              {countTotal(values.rxPackets)}{" "}
              <span className="sub-inline">{perSecond(lastRate?.rxPackets ?? null)}</span>
            </td>
            {dropCell(values.rxDropped, lastRate?.rxDropped ?? null)}
          </tr>
          <tr>
            <th scope="row">TX</th>
            <td>
              {byteTotal(values.txBytes)}{" "}
              <span className="sub-inline">{bitRate(lastRate?.txBytes ?? null)}</span>
            </td>
            <td>
              {countTotal(values.txPackets)}{" "}
              <span className="sub-inline">{perSecond(lastRate?.txPackets ?? null)}</span>
            </td>
            {dropCell(values.txDropped, lastRate?.txDropped ?? null)}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
