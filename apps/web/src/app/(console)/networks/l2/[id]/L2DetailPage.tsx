import type { L2View } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { Badge } from "~/components/badges";
import { RetryErrorBox } from "~/components/detail/RetryErrorBox";
import { Facts } from "~/components/detail/Facts";
import { LocalTime } from "~/components/ui/ClockText";
import type { RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { l2TypeLabel, segmentLabel, SriovBadge } from "../../shared";
import { VfAvailabilityPanel, type VfAvailability } from "../../VfAvailabilityPanel";
import type { ClusterPages } from "./cluster-pages";
import {
  ClustersPanel,
  CreateL3Button,
  L2SriovPanel,
  L2VfPortPolicy,
  NetworkHeader,
} from "./islands";
import type { Candidate, ClusterPage } from "./L2Islands";
import { Table } from "~/components/ui/Table";

type L3Page = RouterOutputs["networks"]["l3"]["list"];

export interface L2DetailProps {
  l2: L2View;
  availability: Settled<VfAvailability>;
  clusterPages: ClusterPages;
  clusters: Settled<ClusterPage>;
  /** The clusters an admin may attach (null for others). */
  candidates: Settled<{ items: Candidate[] }> | null;
  l3s: Settled<L3Page>;
}

/** The L2's page, rendered on the server: its panels with buttons are client islands. */
export function L2Detail({
  l2,
  availability,
  clusterPages,
  clusters,
  candidates,
  l3s,
}: L2DetailProps) {
  return (
    <>
      <NetworkHeader
        kind="L2"
        network={l2}
        badges={
          <>
            <Badge tone="info">{segmentLabel(l2)}</Badge> <SriovBadge enabled={l2.sriovEnabled} />
          </>
        }
        subtitle={
          <>
            {l2.zoneName} · interface <code>{l2.physicalInterface}</code>
            {l2.description ? ` · ${l2.description}` : ""}
          </>
        }
        deleteBody={
          <>
            <p>
              The segment is removed from virtfn and detached from its clusters. An L2 that still
              has L3 networks cannot be deleted: delete them first.
            </p>
            {l2.l3Count > 0 ? (
              <p className="hint">
                {l2.name} has {l2.l3Count} L3 network{l2.l3Count === 1 ? "" : "s"}.
              </p>
            ) : null}
          </>
        }
      >
        <CreateL3Button l2Id={l2.id} />
      </NetworkHeader>

      <Facts
        title="Facts"
        columns={[
          [
            ["Zone", l2.zoneName],
            ["Type", l2TypeLabel[l2.type]],
            l2.type === "Vlan" ? ["VLAN id", l2.vlanId] : null,
            l2.type === "Vxlan" ? ["VXLAN pool", l2.vxlanPoolName ?? "—"] : null,
            l2.type === "Vxlan" ? ["VNI", l2.vni] : null,
          ],
          [
            ["Physical interface", <code>{l2.physicalInterface}</code>],
            ["L3 networks", l2.l3Count],
            ["Created", <LocalTime date={l2.createdAt} />],
          ],
        ]}
      />

      <L2SriovPanel l2={l2} />
      <VfAvailabilityPanel
        availability={availability}
        disabledNote="SR-IOV is not enabled on this network: it hands out no VFs. The split state per host is shown for reference."
      />
      <L2VfPortPolicy l2={l2} />
      <ClustersPanel l2={l2} pages={clusterPages} clusters={clusters} candidates={candidates} />

      <section className="panel">
        <h2>
          L3 networks <span className="count">{l2.l3Count}</span>
        </h2>
        <L3sOfL2 l2={l2} l3s={l3s} />
      </section>
    </>
  );
}

function L3sOfL2({ l2, l3s }: { l2: L2View; l3s: Settled<L3Page> }) {
  const data = l3s.data;
  if (!data) return <RetryErrorBox error={l3s.error} />;
  if (data.items.length === 0) {
    return (
      <div className="muted">
        No L3 networks on this L2 yet. <CreateL3Button l2Id={l2.id} small />
      </div>
    );
  }
  return (
    <Table
      head={
        <>
          <th>Name</th>
          <th>Category</th>
          <th>SR-IOV</th>
          <th className="hide-narrow">Subnet</th>
          <th className="num">NICs</th>
        </>
      }
    >
      {data.items.map((l3) => (
        <tr key={l3.id} data-testid="l3-row">
          <td>
            <Link href={`/networks/l3/${l3.id}`} className="strong-link">
              {l3.name}
            </Link>
          </td>
          <td>{l3.category}</td>
          <td>
            <SriovBadge enabled={l3.sriovEnabled} />
          </td>
          <td className="hide-narrow">
            {l3.gateway ? (
              `${l3.gateway}/${l3.prefixLength ?? "?"}`
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td className="num">
            {l3.nicCount}
            {l3.vfNicCount > 0 ? <div className="sub">{l3.vfNicCount} VF</div> : null}
          </td>
        </tr>
      ))}
    </Table>
  );
}
