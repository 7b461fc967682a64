import type { VfCounterValues, VmDetail, VmNicView } from "@virtfn/core";
import { RetryErrorBox } from "~/components/detail/RetryErrorBox";
import { RateChart } from "~/components/RateChart";
import { bitRate, byteTotal, countTotal, perSecond } from "~/lib/counters";
import { TimeAgo } from "~/components/ui/ClockText";
import type { VmPageData } from "./page";
import { Table } from "~/components/ui/Table";

// The VM page's traffic panel (issue 16): per VF NIC, the rates between the samples the workers
// stored (about half an hour) as a chart, and the latest totals. A counter the PF driver does
// not keep shows "—" with the reason, never 0.

const NOT_COUNTED = "Not counted by this VF's PF driver";

/** One panel for all of the VM's VF NICs; nothing when it has none. */
export function NicCountersPanel({
  vm,
  counters,
}: {
  vm: VmDetail;
  /** Each VF NIC's counters, read with the page (which refreshes them). */
  counters: VmPageData["counters"];
}) {
  const vfNics = vm.nics.filter((nic) => nic.type === "VF");
  if (vfNics.length === 0) return null;
  return (
    <section className="panel" data-testid="nic-counters-panel">
      <h2>VF traffic</h2>
      {vfNics.map((nic) => (
        <NicCounters key={nic.id} nic={nic} counters={counters[nic.id]} />
      ))}
    </section>
  );
}

function NicCounters({
  nic,
  counters,
}: {
  nic: VmNicView;
  /** Missing for a NIC newer than the page's last read. */
  counters: VmPageData["counters"][string] | undefined;
}) {
  const title = `${nic.name} · ${nic.mac}${nic.vf ? ` · VF ${nic.vf.pciAddress}` : ""}`;
  return (
    <div className="nic-counters" data-testid="nic-counters">
      <h3>{title}</h3>
      {!counters ? (
        <p className="muted">Loading counters…</p>
      ) : counters.data === null ? (
        <RetryErrorBox error={counters.error} />
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

/** One direction's totals, each with its latest rate beside it. */
function DirectionRow({
  label,
  bytes,
  packets,
  dropped,
  rates,
}: {
  label: string;
  bytes: [number | null, number | null];
  packets: [number | null, number | null];
  dropped: [number | null, number | null];
  rates: boolean;
}) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>
        {byteTotal(bytes[0])}{" "}
        {rates ? <span className="sub-inline">{bitRate(bytes[1])}</span> : null}
      </td>
      <td>
        {countTotal(packets[0])}{" "}
        {rates ? <span className="sub-inline">{perSecond(packets[1])}</span> : null}
      </td>
      {dropped[0] === null ? (
        <td title={NOT_COUNTED} data-testid="counter-absent">
          —
        </td>
      ) : (
        <td>
          {countTotal(dropped[0])}{" "}
          {rates ? <span className="sub-inline">{perSecond(dropped[1])}</span> : null}
        </td>
      )}
    </tr>
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
  const rate = (name: keyof VfCounterValues) => lastRate?.[name] ?? null;
  return (
    <Table
      caption={
        <caption className="muted">
          Totals since the VF was last reset, read <TimeAgo date={takenAt} />
        </caption>
      }
      head={
        <>
          <th scope="col" />
          <th scope="col">Bytes</th>
          <th scope="col">Packets</th>
          <th scope="col">Dropped</th>
        </>
      }
    >
      {(["rx", "tx"] as const).map((dir) => (
        <DirectionRow
          key={dir}
          label={dir.toUpperCase()}
          bytes={[values[`${dir}Bytes`], rate(`${dir}Bytes`)]}
          packets={[values[`${dir}Packets`], rate(`${dir}Packets`)]}
          dropped={[values[`${dir}Dropped`], rate(`${dir}Dropped`)]}
          rates={lastRate !== null}
        />
      ))}
    </Table>
  );
}
