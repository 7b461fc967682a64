"use client";

import type { L2Usage, PfUsage } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { Badge, VirtualizationBadge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { SriovWarnings } from "~/components/SriovWarnings";
import { DataTable, type Column } from "~/components/ui/DataTable";
import { FilterSelect } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { useListParams } from "~/components/ui/useListParams";
import { useLiveRefresh } from "~/components/useLiveRefresh";
import type { RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { l2TypeLabel, SriovBadge } from "../networks/shared";
import { overviewList } from "./overview-list";

type Segment = "Available" | "Reserved" | "Attached" | "Releasing" | "Missing" | "InUse";

const segmentText: Record<Segment, string> = {
  Available: "Available",
  Reserved: "Reserved",
  Attached: "Attached",
  Releasing: "Releasing",
  Missing: "Missing",
  InUse: "In use",
};

function Legend({ items }: { items: Segment[] }) {
  return (
    <ul className="legend" aria-label="Legend">
      {items.map((item) => (
        <li key={item}>
          <span className={`swatch seg-${item.toLowerCase()}`} aria-hidden="true" />
          {segmentText[item]}
        </li>
      ))}
      <li>
        <span className="swatch seg-track" aria-hidden="true" />
        Not split
      </li>
    </ul>
  );
}

/** A stacked bar: each part's share of `scale`, the rest is the empty track. */
function StackedBar({
  parts,
  scale,
  label,
}: {
  parts: Array<{ segment: Segment; count: number }>;
  scale: number;
  label: string;
}) {
  return (
    <div className="stacked-bar" role="img" aria-label={label}>
      {scale > 0
        ? parts
            .filter((part) => part.count > 0)
            .map((part) => (
              <span
                key={part.segment}
                className={`seg seg-${part.segment.toLowerCase()}`}
                style={{ width: `${(100 * part.count) / scale}%` }}
                title={`${segmentText[part.segment]}: ${part.count}`}
              />
            ))
        : null}
    </div>
  );
}

const pfSegments: Segment[] = ["Available", "Reserved", "Attached", "Releasing", "Missing"];

function pfLabel(pf: PfUsage): string {
  const counts = pfSegments
    .map((s) => `${pf.vfs[s as keyof PfUsage["vfs"]]} ${segmentText[s].toLowerCase()}`)
    .join(", ");
  return `${pf.hostName} ${pf.name}: ${pf.numVfs} of at most ${pf.totalVfs} VFs split; ${counts}.`;
}

type Zone = RouterOutputs["inventory"]["zones"][number];
type Overview = RouterOutputs["sriov"]["overview"];

export function SriovOverviewPage({
  zones,
  overview,
}: {
  /** For the zone filter (none shown when the zones could not be read). */
  zones: Zone[];
  overview: Settled<Overview>;
}) {
  const list = useListParams(overviewList);
  const refresh = useLiveRefresh(10_000);

  return (
    <>
      <PageHeader
        title="SR-IOV overview"
        subtitle="VF usage per physical NIC and per L2 network. Updates every few seconds."
      />
      {zones.length > 1 ? (
        <div className="toolbar" role="search" aria-label="Filter by zone">
          <FilterSelect
            list={list}
            filter={{
              key: "zone",
              label: "Zone",
              allLabel: "All zones",
              options: zones.map((zone) => ({ value: zone.id, label: zone.name })),
            }}
          />
        </div>
      ) : null}
      {overview.error ? (
        <ErrorBox
          title="Could not load the SR-IOV overview."
          error={overview.error}
          onRetry={refresh.now}
        />
      ) : (
        <>
          <SriovWarnings warnings={overview.data.warnings} />
          <PfSection pfs={overview.data.pfs} pfCount={overview.data.pfCount} />
          <L2Section l2s={overview.data.l2s} />
        </>
      )}
    </>
  );
}

const count = (key: string, header: string, pick: (pf: PfUsage) => number, secondary = false) => ({
  key,
  header,
  num: true,
  secondary,
  cell: pick,
});

const pfColumns: Column<PfUsage>[] = [
  {
    key: "host",
    header: "Host",
    cell: (pf) => <Link href={`/hosts/${pf.hostId}`}>{pf.hostName}</Link>,
  },
  {
    key: "nic",
    header: "NIC",
    cell: (pf) => (
      <>
        <span className="strong">{pf.name}</span>
        {pf.bondName ? <div className="sub">in {pf.bondName}</div> : null}
      </>
    ),
  },
  {
    key: "state",
    header: "State",
    secondary: true,
    cell: (pf) => <VirtualizationBadge state={pf.virtualizationState} />,
  },
  {
    key: "split",
    header: "Split / max",
    num: true,
    cell: (pf) => (
      <>
        {pf.numVfs} / {pf.totalVfs}
        {pf.desiredNumVfs !== null && pf.desiredNumVfs !== pf.numVfs ? (
          <div className="sub">wants {pf.desiredNumVfs}</div>
        ) : null}
      </>
    ),
  },
  count("available", "Available", (pf) => pf.vfs.Available),
  count("reserved", "Reserved", (pf) => pf.vfs.Reserved),
  count("attached", "Attached", (pf) => pf.vfs.Attached),
  count("releasing", "Releasing", (pf) => pf.vfs.Releasing, true),
  {
    key: "missing",
    header: "Missing",
    num: true,
    cell: (pf) => (pf.vfs.Missing > 0 ? <Badge tone="err">{pf.vfs.Missing}</Badge> : 0),
  },
  {
    key: "notes",
    header: "Notes",
    secondary: true,
    className: "small",
    cell: (pf) => (pf.warnings.length ? pf.warnings.join("; ") : <span className="muted">—</span>),
  },
];

function PfSection({ pfs, pfCount }: { pfs: PfUsage[]; pfCount: number }) {
  const totals = pfs.reduce(
    (sum, pf) => ({
      split: sum.split + pf.numVfs,
      max: sum.max + pf.totalVfs,
      available: sum.available + pf.vfs.Available,
    }),
    { split: 0, max: 0, available: 0 },
  );
  return (
    <section className="panel" aria-labelledby="pf-usage-heading">
      <h2 id="pf-usage-heading">
        VFs per physical NIC{" "}
        <span className="count">
          {pfs.length < pfCount ? `first ${pfs.length} of ${pfCount}` : pfs.length}
        </span>
      </h2>
      {pfs.length === 0 ? (
        <div className="empty">
          <p>
            <strong>No SR-IOV capable NICs.</strong>
          </p>
          <p>
            <Link href="/hosts">Add hosts</Link> whose NICs support SR-IOV; their PFs show here once
            split.
          </p>
        </div>
      ) : (
        <>
          <p className="muted small">
            {totals.split} VFs split of {totals.max} possible; {totals.available} available. Each
            bar is one NIC, scaled to the most VFs it supports.
          </p>
          <Legend items={pfSegments} />
          <div className="chart-head" aria-hidden="true">
            <span>NIC</span>
            <span>VFs by state, scaled to the most the NIC supports</span>
            <span>Avail / split</span>
          </div>
          <ul className="chart" data-testid="pf-chart">
            {pfs.map((pf) => (
              <li key={pf.pfId} className="chart-row" data-testid="pf-bar">
                <div className="chart-label">
                  <Link href={`/hosts/${pf.hostId}`}>{pf.hostName}</Link> /{" "}
                  <span className="strong">{pf.name}</span>
                  <span className="sub hide-narrow"> {pf.model}</span>
                </div>
                <StackedBar
                  scale={pf.totalVfs}
                  label={pfLabel(pf)}
                  parts={pfSegments.map((segment) => ({
                    segment,
                    count: pf.vfs[segment as keyof PfUsage["vfs"]],
                  }))}
                />
                <div className="chart-value" title="Available / split (most it supports)">
                  {pf.numVfs === 0 ? (
                    <span className="muted">not split</span>
                  ) : (
                    <>
                      {pf.vfs.Available} / {pf.numVfs}
                    </>
                  )}
                  <div className="sub">max {pf.totalVfs}</div>
                </div>
              </li>
            ))}
          </ul>
          <details className="chart-table" open>
            <summary>Table</summary>
            <DataTable rows={pfs} rowKey={(pf) => pf.pfId} columns={pfColumns} />
          </details>
        </>
      )}
    </section>
  );
}

function L2Section({ l2s }: { l2s: L2Usage[] }) {
  const sriov = l2s.filter((l2) => l2.sriovEnabled);
  return (
    <section className="panel" aria-labelledby="l2-usage-heading">
      <h2 id="l2-usage-heading">
        VFs per L2 network <span className="count">{l2s.length}</span>
      </h2>
      {l2s.length === 0 ? (
        <div className="empty">
          <p>
            <strong>No L2 networks.</strong>
          </p>
          <p>
            <Link href="/networks/l2">Create an L2 network</Link> with SR-IOV on a split interface
            to offer VFs.
          </p>
        </div>
      ) : (
        <>
          <p className="muted small">
            {sriov.length} of {l2s.length} L2 networks have SR-IOV on. VFs counted on the hosts of
            attached clusters whose interface resolves; each bar is scaled to that L2&apos;s VFs.
          </p>
          <ul className="legend" aria-label="Legend">
            <li>
              <span className="swatch seg-available" aria-hidden="true" />
              Available
            </li>
            <li>
              <span className="swatch seg-inuse" aria-hidden="true" />
              Reserved, attached or missing
            </li>
          </ul>
          <ul className="chart" data-testid="l2-chart">
            {l2s.map((l2) => (
              <li key={l2.l2Id} className="chart-row" data-testid="l2-bar">
                <div className="chart-label">
                  <Link href={`/networks/l2/${l2.l2Id}`} className="strong">
                    {l2.name}
                  </Link>{" "}
                  <SriovBadge enabled={l2.sriovEnabled} />
                  <span className="sub">
                    {" "}
                    {l2TypeLabel[l2.type]} on {l2.physicalInterface} · {l2.hosts} host
                    {l2.hosts === 1 ? "" : "s"}
                  </span>
                </div>
                <StackedBar
                  scale={l2.vfTotal}
                  label={`${l2.name}: ${l2.vfAvailable} of ${l2.vfTotal} VFs available on ${l2.hosts} hosts; ${l2.vfNics} VF NICs.`}
                  parts={[
                    { segment: "Available", count: l2.vfAvailable },
                    { segment: "InUse", count: l2.vfTotal - l2.vfAvailable },
                  ]}
                />
                <div className="chart-value">
                  {l2.vfTotal === 0 ? (
                    <span className="muted">no VFs</span>
                  ) : (
                    `${l2.vfAvailable} / ${l2.vfTotal}`
                  )}
                  {l2.vfNics > 0 ? <span className="sub"> {l2.vfNics} VF NICs</span> : null}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
