"use client";

import type { L3View } from "@virtfn/core";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import { useHydrated } from "~/components/useHydrated";
import { ReasonedButton } from "~/components/ui/ActionConfirm";
import { useAction } from "~/trpc/useAction";
import { refusal } from "../../shared";

/**
 * Issue 17: the L3's SR-IOV profile "migratable". VF NICs created on it from now on get a virtio
 * failover partner and can live-migrate; NICs that exist keep their own setting (the VM page
 * changes it while the VM is stopped). Admins switch it (R15), greyed out with core's reason.
 */
export function L3MigratablePanel({ l3 }: { l3: L3View }) {
  const isAdmin = useCan("inventory.manage");
  const save = useAction((api, input: { l3Id: string; migratable: boolean }) =>
    api.networks.l3.setMigratable.mutate(input),
  );
  const hydrated = useHydrated();
  const on = l3.sriovMigratable;
  // Turning it off is always allowed (like editing the name); on needs SR-IOV on the L3 and L2.
  return (
    <section className="panel" aria-labelledby="l3-migratable-heading" data-testid="l3-migratable">
      <h2 id="l3-migratable-heading">Live migration of VF NICs</h2>
      <p className="muted small" data-testid="l3-migratable-state">
        {on
          ? "Migratable: new VF NICs on this network get a virtio failover partner, so their VMs can live-migrate."
          : "Not migratable: VMs running with a VF NIC created here cannot live-migrate."}{" "}
        NICs that exist keep their own setting.
      </p>
      {isAdmin ? (
        <div className="actions actions-start">
          <ReasonedButton
            label={on ? "Make not migratable" : "Make migratable"}
            disabledReason={
              !hydrated
                ? "Loading…"
                : save.isPending
                  ? "Saving…"
                  : refusal(on ? l3.actions.edit : l3.actions.makeMigratable)
            }
            quietReason={!hydrated || save.isPending}
            testId="l3-migratable-toggle"
            reasonId="l3-migratable-reason"
            onClick={() => save.mutate({ l3Id: l3.id, migratable: !on })}
          />
        </div>
      ) : null}
      {save.error ? <ErrorBox title="Not changed." error={save.error} /> : null}
    </section>
  );
}
