"use client";

import type { VmNicView } from "@virtfn/core";
import { useId } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import type { RouterInputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";

/**
 * Issue 17: a VF NIC marked migratable gets a virtio failover partner on its L2, which is what
 * lets the VM live-migrate. Only while the VM is stopped (the partner goes into the domain at its
 * next start); greyed out otherwise with core's reason.
 */
export function NicMigratableToggle({ nic }: { nic: VmNicView }) {
  const id = useId();
  const save = useAction((api, input: RouterInputs["vms"]["setNicMigratable"]) =>
    api.vms.setNicMigratable.mutate(input),
  );
  if (nic.type !== "VF") return null;
  const verdict = nic.capabilities.migratable;
  return (
    <div className="sub" data-testid="nic-migratable">
      <label
        className="nowrap"
        title="A virtio failover partner carries its traffic while the VF is unplugged for a live migration."
      >
        <input
          id={`${id}-migratable`}
          type="checkbox"
          checked={nic.migratable}
          disabled={!verdict.allowed || save.isPending}
          aria-describedby={verdict.allowed ? undefined : `${id}-why`}
          data-testid="nic-migratable-toggle"
          onChange={(event) => save.mutate({ nicId: nic.id, migratable: event.target.checked })}
        />{" "}
        migratable
      </label>
      {verdict.allowed ? null : (
        <p className="hint disabled-reason" id={`${id}-why`} data-testid="nic-migratable-reason">
          {verdict.reason}
        </p>
      )}
      {save.error ? <ErrorBox title="Not changed." error={save.error} /> : null}
    </div>
  );
}
