"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { L3View } from "@virtfn/core";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { fieldErrorsByPath } from "~/lib/errors";
import { dateTime } from "~/lib/format";
import { DataTable } from "~/components/ui/DataTable";
import { DetailGate, isNotFound, type DetailList } from "~/components/ui/DetailGate";
import { useTRPC } from "~/trpc/react";
import { segmentLabel, SriovBadge } from "../../shared";
import {
  NetworkActions,
  useBackToListAfterDelete,
  useShowNetworkUpdate,
} from "../../NetworkDetailParts";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { SriovSwitchPanel } from "../../SriovSwitchPanel";
import { IpRangeRow, newRange, rangeInput } from "../IpRangeRow";
import { L3MigratablePanel } from "./L3MigratablePanel";
import { Button } from "~/components/ui/Button";
import { VfAvailabilityPanel } from "../../VfAvailabilityPanel";
import { VfPortPolicyPanel } from "../../VfPortPolicyPanel";

/** Where the page sits: its breadcrumb and the way back. */
const L3_LIST: DetailList = { label: "L3 networks", href: "/networks/l3" };

export function L3DetailPage({ l3Id }: { l3Id: string }) {
  const trpc = useTRPC();
  const l3 = useQuery(trpc.networks.l3.get.queryOptions({ l3Id }));
  if (!l3.data || isNotFound(l3.error))
    return <DetailGate query={l3} noun="L3 network" list={L3_LIST} />;
  return <L3Detail l3={l3.data} refreshError={l3.isError ? l3.error : null} />;
}

function L3Detail({ l3, refreshError }: { l3: L3View; refreshError: unknown }) {
  const trpc = useTRPC();
  const remove = useMutation(
    trpc.networks.l3.delete.mutationOptions({ onSuccess: useBackToListAfterDelete("l3") }),
  );
  const addresses = l3.ipRanges.reduce((sum, range) => sum + range.size, 0);

  return (
    <>
      <DetailHeader
        list={L3_LIST}
        name={l3.name}
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
        actions={
          <NetworkActions
            kind="L3"
            name={l3.name}
            deleteVerdict={l3.actions.delete}
            deleteBody={
              <>
                <p>
                  The network and its IP ranges are removed. An L3 that VM NICs or EIPs still use
                  cannot be deleted.
                </p>
                {l3.nicCount > 0 ? (
                  <p className="hint">
                    {l3.nicCount} NIC{l3.nicCount === 1 ? " is" : "s are"} on it.
                  </p>
                ) : null}
              </>
            }
            onDelete={() => remove.mutateAsync({ l3Id: l3.id })}
          />
        }
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
            <dd>{dateTime(l3.createdAt)}</dd>
          </dl>
        </div>
      </section>

      <L3SriovPanel l3={l3} />
      <L3MigratablePanel l3={l3} />
      <L3VfPortPolicy l3={l3} />
      <VfAvailabilityPanel
        network={{ l3Id: l3.id }}
        disabledNote={`SR-IOV is not enabled on this network${l3.l2.sriovEnabled ? "" : " or its L2"}: it hands out no VFs. The split state per host is shown for reference.`}
      />
      <IpRangesPanel l3={l3} />
    </>
  );
}

function L3SriovPanel({ l3 }: { l3: L3View }) {
  const update = useL3Update(l3.id);
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
      onSwitch={(sriovEnabled) => update.mutateAsync({ l3Id: l3.id, sriovEnabled })}
    />
  );
}

function IpRangesPanel({ l3 }: { l3: L3View }) {
  const isAdmin = useCan("inventory.manage");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => newRange());
  const onChanged = (updated: L3View) => {
    queryClient.setQueryData(trpc.networks.l3.get.queryKey({ l3Id: l3.id }), updated);
    void queryClient.invalidateQueries(trpc.networks.l3.list.pathFilter());
  };
  const add = useMutation(
    trpc.networks.l3.addIpRange.mutationOptions({
      onSuccess: (updated) => {
        setDraft(newRange(draft.mode));
        onChanged(updated);
      },
    }),
  );
  const remove = useMutation(
    trpc.networks.l3.deleteIpRange.mutationOptions({ onSuccess: onChanged }),
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
  const update = useL3Update(l3.id);
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

/** The L3's update, for its panels (useShowNetworkUpdate: shown at once, the rest reloads). */
function useL3Update(l3Id: string) {
  const trpc = useTRPC();
  const onSuccess = useShowNetworkUpdate(trpc.networks.l3.get.queryKey({ l3Id }));
  return useMutation(trpc.networks.l3.update.mutationOptions({ onSuccess }));
}
