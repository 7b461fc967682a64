"use client";

import type { L3View } from "@virtfn/core";
import { useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { Button } from "~/components/ui/Button";
import { DataTable } from "~/components/ui/DataTable";
import { fieldErrorsByPath } from "~/lib/errors";
import type { RouterInputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";
import { SriovSwitchPanel } from "../../SriovSwitchPanel";
import { VfPortPolicyPanel } from "../../VfPortPolicyPanel";
import { IpRangeRow, newRange, rangeInput } from "../IpRangeRow";
import { Form } from "~/components/ui/Form";

// The L3 page's interactive panels: the SR-IOV switch, the VF port policy and the IP ranges.

export function L3SriovPanel({ l3 }: { l3: L3View }) {
  return (
    <SriovSwitchPanel
      idPrefix="l3"
      network={l3}
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

export function IpRangesPanel({ l3 }: { l3: L3View }) {
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
        <Form
          className="add-range"
          onSubmit={() => add.mutate({ l3Id: l3.id, range: rangeInput(draft) })}
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
        </Form>
      ) : null}
      {add.isError && !placed ? <ErrorBox error={add.error} /> : null}
    </section>
  );
}

export function L3VfPortPolicy({ l3 }: { l3: L3View }) {
  const update = useL3Update();
  return (
    <VfPortPolicyPanel
      network={l3}
      inherited={{
        l2Name: l3.l2.name,
        allowTrust: l3.l2.vfAllowTrust,
        spoofCheck: l3.l2.vfSpoofCheck,
      }}
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
