"use client";

import type { L3View } from "@virtfn/core";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { Button } from "~/components/ui/Button";
import { DataTable } from "~/components/ui/DataTable";
import { LocalTime } from "~/components/ui/ClockText";
import { fieldErrorsByPath, type ShownError } from "~/lib/errors";
import type { RouterInputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { useAction } from "~/trpc/useAction";
import { NetworkDetailFrame, NetworkHeader } from "../../NetworkDetailParts";
import { SriovSwitchPanel } from "../../SriovSwitchPanel";
import { segmentLabel, SriovBadge } from "../../shared";
import { VfAvailabilityPanel, type VfAvailability } from "../../VfAvailabilityPanel";
import { VfPortPolicyPanel } from "../../VfPortPolicyPanel";
import { IpRangeRow, newRange, rangeInput } from "../IpRangeRow";
import { L3MigratablePanel } from "./L3MigratablePanel";

export interface L3DetailPageProps {
  l3Id: string;
  l3: Settled<L3View>;
  availability: Settled<VfAvailability>;
}

export function L3DetailPage(props: L3DetailPageProps) {
  return (
    <NetworkDetailFrame kind="L3" id={props.l3Id} network={props.l3}>
      {(l3, refreshError) => (
        <L3Detail l3={l3} availability={props.availability} refreshError={refreshError} />
      )}
    </NetworkDetailFrame>
  );
}

function L3Detail({
  l3,
  availability,
  refreshError,
}: {
  l3: L3View;
  availability: Settled<VfAvailability>;
  refreshError: ShownError | null;
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
        onDelete={(api) => api.networks.l3.delete.mutate({ l3Id: l3.id })}
        refreshError={refreshError}
      />

      <section className="panel">
        <h2>Facts</h2>
        <div className="facts">
          <dl>
            <dt>L2 network</dt>
            <dd>
              <Link href={`/networks/l2/${l3.l2.id}`}>{l3.l2.name}</Link>{" "}
              <SriovBadge enabled={l3.l2.sriovEnabled} />
            </dd>
            <dt>Segment</dt>
            <dd>
              {segmentLabel(l3.l2)} on <code>{l3.l2.physicalInterface}</code>
            </dd>
            <dt>Category</dt>
            <dd>{l3.category}</dd>
          </dl>
          <dl>
            <dt>Subnet</dt>
            <dd>{l3.prefixLength !== null ? `/${l3.prefixLength}` : "—"}</dd>
            <dt>Gateway</dt>
            <dd>{l3.gateway ?? "—"}</dd>
            <dt>DNS</dt>
            <dd>{l3.dns.length ? l3.dns.join(", ") : "—"}</dd>
          </dl>
          <dl>
            <dt>Addresses</dt>
            <dd>{addresses}</dd>
            <dt>NICs</dt>
            <dd>
              {l3.nicCount}
              {l3.vfNicCount > 0 ? <span className="sub-inline"> ({l3.vfNicCount} VF)</span> : null}
            </dd>
            <dt>Created</dt>
            <dd>
              <LocalTime date={l3.createdAt} />
            </dd>
          </dl>
        </div>
      </section>

      <L3SriovPanel l3={l3} />
      <L3MigratablePanel l3={l3} />
      <L3VfPortPolicy l3={l3} />
      <VfAvailabilityPanel
        networkId={l3.id}
        availability={availability}
        disabledNote={`SR-IOV is not enabled on this network${l3.l2.sriovEnabled ? "" : " or its L2"}: it hands out no VFs. The split state per host is shown for reference.`}
      />
      <IpRangesPanel l3={l3} />
    </>
  );
}

function L3SriovPanel({ l3 }: { l3: L3View }) {
  return (
    <SriovSwitchPanel
      idPrefix="l3"
      name={l3.name}
      enabled={l3.sriovEnabled}
      verdicts={l3.actions}
      description={
        l3.sriovEnabled
          ? "NICs on this network can be VFs: tenants tick “Enable SR-IOV” per NIC."
          : "NICs on this network are vNICs only."
      }
      offConsequence="New NICs on this network can no longer be VFs. Refused while VF NICs are on it."
      onSwitch={(api, sriovEnabled) => api.networks.l3.update.mutate({ l3Id: l3.id, sriovEnabled })}
    />
  );
}

function IpRangesPanel({ l3 }: { l3: L3View }) {
  const isAdmin = useCan("inventory.manage");
  const [draft, setDraft] = useState(() => newRange());
  const add = useAction(
    (api, input: RouterInputs["networks"]["l3"]["addIpRange"]) =>
      api.networks.l3.addIpRange.mutate(input),
    { onSuccess: () => setDraft(newRange(draft.mode)) },
  );
  const remove = useAction((api, input: { ipRangeId: string }) =>
    api.networks.l3.deleteIpRange.mutate(input),
  );
  const addErrors = add.error ? fieldErrorsByPath(add.error) : {};
  const rangeErrors = {
    cidr: addErrors["range.cidr"],
    startIp: addErrors["range.startIp"],
    endIp: addErrors["range.endIp"],
  };
  const placed = Object.values(rangeErrors).some(Boolean);

  return (
    <section className="panel">
      <h2>
        IP ranges <span className="count">{l3.ipRanges.length}</span>
      </h2>
      {l3.ipRanges.length === 0 ? (
        <p className="muted">No IP ranges: VMs on this network get no address from virtfn.</p>
      ) : (
        <DataTable
          rows={l3.ipRanges}
          rowKey={(range) => range.id}
          rowTestId="ip-range"
          columns={[
            { key: "start", header: "Start", cell: (range) => <code>{range.startIp}</code> },
            { key: "end", header: "End", cell: (range) => <code>{range.endIp}</code> },
            {
              key: "size",
              header: "Addresses",
              num: true,
              secondary: true,
              cell: (range) => range.size,
            },
          ]}
          rowActions={
            isAdmin
              ? (range) => (
                  <ActionConfirm
                    label="Remove"
                    title={`Remove range ${range.startIp}–${range.endIp}?`}
                    body="New NICs no longer get addresses from it. Refused while NICs hold addresses in it."
                    confirmLabel="Remove range"
                    danger
                    action={() => remove.mutateAsync({ ipRangeId: range.id })}
                  />
                )
              : undefined
          }
        />
      )}
      {isAdmin ? (
        <form
          className="add-range"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate({ l3Id: l3.id, range: rangeInput(draft) });
          }}
        >
          <span className="add-range-label">Add a range</span>
          <IpRangeRow
            idPrefix="add-range"
            index={l3.ipRanges.length}
            range={draft}
            onChange={setDraft}
            errors={rangeErrors}
          />
          <Button type="submit" size="sm" disabled={add.isPending}>
            {add.isPending ? "Adding…" : "Add range"}
          </Button>
        </form>
      ) : null}
      {add.isError && !placed ? <ErrorBox error={add.error} /> : null}
    </section>
  );
}

function L3VfPortPolicy({ l3 }: { l3: L3View }) {
  const isAdmin = useCan("inventory.manage");
  const update = useL3Update();
  return (
    <VfPortPolicyPanel
      allowTrust={l3.vfAllowTrust}
      spoofCheck={l3.vfSpoofCheck}
      inherited={{
        l2Name: l3.l2.name,
        allowTrust: l3.l2.vfAllowTrust,
        spoofCheck: l3.l2.vfSpoofCheck,
      }}
      canEdit={isAdmin}
      pending={update.isPending}
      error={update.error}
      onChange={(change) => update.mutate({ l3Id: l3.id, ...change })}
    />
  );
}

/** The L3's update, for its panels (the page is rendered again after it). */
function useL3Update() {
  return useAction((api, input: RouterInputs["networks"]["l3"]["update"]) =>
    api.networks.l3.update.mutate(input),
  );
}
