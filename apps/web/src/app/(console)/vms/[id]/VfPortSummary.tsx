import type { VmNicView } from "@virtfn/core";
import { TimeAgo } from "~/components/ui/ClockText";
import { dateTime } from "~/lib/format";

/** One line for the NIC row: what the agent keeps on the VF (issue 16). */
export function VfPortSummary({ nic }: { nic: VmNicView }) {
  if (!nic.vfPort) return null;
  const { desired, requested } = nic.vfPort;
  const trustCapped = requested.trust && !desired.trust;
  return (
    <div
      className="sub vf-port"
      data-testid="nic-vf-port"
      title={trustCapped ? (nic.vfPort.verdicts.trust.reason ?? undefined) : "VF port settings"}
    >
      link {desired.linkState} · trust {desired.trust ? "on" : "off"}
      {trustCapped ? " (not allowed)" : ""} · spoofchk {desired.spoofCheck ? "on" : "off"}
      {desired.queryRss ? " · query_rss" : ""}
      <VfPortObservedLine port={nic.vfPort} />
    </div>
  );
}

export const onOff = (value: boolean | null) => (value === null ? "n/a" : value ? "on" : "off");

/**
 * What the host agent last read back from the VF (`ip -d link show`), and when; a setting that
 * differs from the desired one is named as drift (the reconciler repairs it).
 */
function VfPortObservedLine({ port }: { port: NonNullable<VmNicView["vfPort"]> }) {
  const { observed, drift } = port;
  if (!observed) {
    return (
      <div className="muted" data-testid="nic-vf-port-observed">
        observed: not read back yet
      </div>
    );
  }
  const seen = observed.port;
  return (
    <div
      className={drift.length > 0 ? undefined : "muted"}
      style={drift.length > 0 ? { color: "var(--warn)" } : undefined}
      data-testid="nic-vf-port-observed"
      title={`Read back by the host agent ${dateTime(observed.at)}`}
    >
      observed <TimeAgo date={observed.at} />: link {seen.linkState ?? "n/a"} · trust{" "}
      {onOff(seen.trust)} · spoofchk {onOff(seen.spoofCheck)}
      {drift.length > 0 ? ` · drift: ${drift.join(", ")} (the reconciler repairs it)` : ""}
    </div>
  );
}
