import type { L3View } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { Badge } from "~/components/badges";
import { LocalTime } from "~/components/ui/ClockText";
import { Facts } from "~/components/detail/Facts";
import type { Settled } from "~/trpc/server";
import { segmentLabel, SriovBadge } from "../../shared";
import { VfAvailabilityPanel, type VfAvailability } from "../../VfAvailabilityPanel";
import {
  IpRangesPanel,
  L3MigratablePanel,
  L3SriovPanel,
  L3VfPortPolicy,
  NetworkHeader,
} from "./islands";

/** The L3's page, rendered on the server: its panels with buttons are client islands. */
export function L3Detail({
  l3,
  availability,
}: {
  l3: L3View;
  availability: Settled<VfAvailability>;
}) {
  const addresses = l3.ipRanges.reduce((sum, range) => sum + range.size, 0);

  return (
    <>
      <NetworkHeader
        kind="L3"
        network={l3}
        badges={
          <>
            <Badge tone="info">{l3.category}</Badge> <SriovBadge enabled={l3.sriovEnabled} />
          </>
        }
        subtitle={
          <>
            On L2 <Link href={`/networks/l2/${l3.l2.id}`}>{l3.l2.name}</Link> ·{" "}
            {segmentLabel(l3.l2)} on <code>{l3.l2.physicalInterface}</code>
          </>
        }
        deleteBody={
          <>
            <p>
              The network and its IP ranges are removed. An L3 that VM NICs or EIPs still use cannot
              be deleted.
            </p>
            {l3.nicCount > 0 ? (
              <p className="hint">
                {l3.nicCount} NIC{l3.nicCount === 1 ? " is" : "s are"} on it.
              </p>
            ) : null}
          </>
        }
      />

      <Facts
        title="Facts"
        columns={[
          [
            [
              "L2 network",
              <>
                <Link href={`/networks/l2/${l3.l2.id}`}>{l3.l2.name}</Link>{" "}
                <SriovBadge enabled={l3.l2.sriovEnabled} />
              </>,
            ],
            [
              "Segment",
              <>
                {segmentLabel(l3.l2)} on <code>{l3.l2.physicalInterface}</code>
              </>,
            ],
            ["Category", l3.category],
          ],
          [
            ["Subnet", l3.prefixLength !== null ? `/${l3.prefixLength}` : "—"],
            ["Gateway", l3.gateway ?? "—"],
            ["DNS", l3.dns.length ? l3.dns.join(", ") : "—"],
          ],
          [
            ["Addresses", addresses],
            [
              "NICs",
              <>
                {l3.nicCount}
                {l3.vfNicCount > 0 ? (
                  <span className="sub-inline"> ({l3.vfNicCount} VF)</span>
                ) : null}
              </>,
            ],
            ["Created", <LocalTime date={l3.createdAt} />],
          ],
        ]}
      />

      <L3SriovPanel l3={l3} />
      <L3MigratablePanel l3={l3} />
      <L3VfPortPolicy l3={l3} />
      <VfAvailabilityPanel
        availability={availability}
        disabledNote={`SR-IOV is not enabled on this network${l3.l2.sriovEnabled ? "" : " or its L2"}: it hands out no VFs. The split state per host is shown for reference.`}
      />
      <IpRangesPanel l3={l3} />
    </>
  );
}
