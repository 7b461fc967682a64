"use client";

import type { VmDetail } from "@virtfn/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { useIsAdmin } from "~/components/session";
import { useTRPC } from "~/trpc/react";
import { Form } from "~/components/ui/Form";
import { HostReasons } from "../HostReasons";

export function MigrateDialog({
  vm,
  pending,
  error,
  onClose,
  onConfirm,
}: {
  vm: VmDetail;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onConfirm: (targetHostId: string | undefined) => void;
}) {
  const trpc = useTRPC();
  const isAdmin = useIsAdmin();
  const [target, setTarget] = useState("");
  // Only admins see hosts; for everyone else the scheduler picks one.
  const hosts = useQuery({
    ...trpc.hosts.list.queryOptions({ limit: 200, connectionState: "Connected" }),
    enabled: isAdmin,
  });
  const live = vm.state === "Running";
  // With VF NICs, a live migration claims a VF on the destination for each (issue 17).
  const withVfs = live && vm.vfNicCount > 0;
  // A stopped VM goes only where it could start, a running one with VF NICs only where a VF is
  // free for each: core judges every host and says why not.
  const judged = useQuery({
    ...trpc.vms.migrationCandidates.queryOptions({ vmId: vm.id }),
    enabled: !live || withVfs,
  });
  const stoppedHosts = judged.data?.hosts ?? [];
  const candidates =
    live && !withVfs
      ? (hosts.data?.items ?? []).filter((h) => h.id !== vm.hostId && h.clusterId === vm.clusterId)
      : stoppedHosts
          .filter((h) => h.reason === null)
          .map((h) => ({ id: h.hostId, name: h.name, clusterName: "" }));
  const refusedHosts = stoppedHosts.filter((h) => h.reason !== null);
  return (
    <Dialog open onClose={onClose} title={`Migrate ${vm.name}?`}>
      <Form onSubmit={() => onConfirm(target || undefined)}>
        <div className="dialog-content">
          <p>
            {withVfs
              ? "Live migration with VF NICs: a VF is claimed on the destination for every VF NIC, the VFs are unplugged while their virtio failover partners carry the traffic, the VM moves to another host of its cluster, and the claimed VFs are plugged there. Any failure rolls back."
              : live
                ? "Live migration: the VM keeps running and moves to another host of its cluster."
                : "The VM is stopped: it moves only to a host that could start it (its networks, IOMMU, room, a free VF for each VF NIC), and gets VFs there at the next start."}
          </p>
          {(!live || withVfs) && judged.isSuccess && candidates.length === 0 ? (
            <p className="field-error" role="alert">
              No host qualifies right now.
            </p>
          ) : null}
          <HostReasons hosts={refusedHosts} testId="migrate-host-reasons" />
          {isAdmin ? (
            <div className="field">
              <label htmlFor="migrate-target">Target host</label>
              <select
                id="migrate-target"
                value={target}
                onChange={(event) => setTarget(event.target.value)}
                data-autofocus=""
              >
                <option value="">Let the scheduler pick</option>
                {candidates.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.clusterName ? `${h.name} — ${h.clusterName}` : h.name}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <p className="hint">The scheduler picks a connected host with room.</p>
          )}
        </div>
        {error ? <ErrorBox error={error} /> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={pending}
            data-autofocus={isAdmin ? undefined : ""}
          >
            {pending ? "Working…" : "Migrate"}
          </button>
        </div>
      </Form>
    </Dialog>
  );
}
