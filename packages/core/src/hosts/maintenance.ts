import type { Db } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { requireAdmin, type Actor } from "../shared/actor";
import { notFound } from "../shared/errors";
import { checkMaintenanceChange } from "./rules";
import { hostIdInput, type HostIdInput } from "./schemas";

// Maintenance mode: an admin takes a host out of placement (no creates, starts or moves land on
// it; vms/placement.ts and vms/scheduler.ts judge it) without touching what runs there. VMs on
// the host keep running and can be stopped, moved away or deleted; PF splits and restores stay
// allowed, so the host can be repaired while it takes no new work.

export interface MaintenanceChange {
  host: { id: string; name: string; maintenance: boolean; maintenanceSince: Date | null };
  /** VMs on the host when it changed: they keep running. */
  vmsOnHost: number;
}

async function setMaintenance(
  db: Db,
  actor: Actor,
  rawInput: HostIdInput,
  enter: boolean,
): Promise<MaintenanceChange> {
  requireAdmin(actor, enter ? "put hosts into maintenance" : "take hosts out of maintenance");
  const { hostId } = hostIdInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    // FOR UPDATE waits for a placement holding the host (FOR NO KEY UPDATE) and makes the next
    // one wait for this change: a placement's lock re-checks maintenance on the row it locks.
    const [host] = await tx.$queryRaw<Array<{ id: string; name: string; maintenance: boolean }>>`
      SELECT id::text AS id, name, maintenance FROM "Host" WHERE id = ${hostId}::uuid FOR UPDATE`;
    if (!host) throw notFound("Host", hostId);
    checkMaintenanceChange(host, enter);
    const updated = await tx.host.update({
      where: { id: hostId },
      data: { maintenance: enter, maintenanceSince: enter ? new Date() : null },
      select: { id: true, name: true, maintenance: true, maintenanceSince: true },
    });
    const vmsOnHost = await tx.vm.count({ where: { hostId } });
    await recordAudit(tx, actor, {
      action: enter ? "host.enterMaintenance" : "host.leaveMaintenance",
      targetType: "Host",
      targetId: hostId,
      outcome: "Success",
      details: { name: host.name, vmsOnHost },
    });
    return { host: updated, vmsOnHost };
  });
}

/** Admin: no new placements on the host from now on; what runs there keeps running. */
export function enterHostMaintenance(db: Db, actor: Actor, input: HostIdInput) {
  return setMaintenance(db, actor, input, true);
}

/** Admin: the host takes new VMs again. */
export function leaveHostMaintenance(db: Db, actor: Actor, input: HostIdInput) {
  return setMaintenance(db, actor, input, false);
}
