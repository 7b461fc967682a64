import { z } from "zod";
import type { Db } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { requireAdmin, type Actor } from "../shared/actor";
import { checkL3MigratableAllowed } from "../networks/sriovRules";
import { notFound } from "../shared/errors";
import { lockNic, TX_OPTIONS } from "./access";
import { enforce, migratableVerdict } from "./rules";

// Issue 17: what makes a VF NIC migratable. A migratable NIC's domain carries a virtio failover
// partner (vms/spec.ts), so that its VF can be unplugged for a live migration while the guest's
// net_failover keeps the traffic on the virtio path.

export const setNicMigratableInput = z.object({
  nicId: z.uuid("Not a NIC id"),
  migratable: z.boolean(),
});
export type SetNicMigratableInput = z.input<typeof setNicMigratableInput>;

export const setL3MigratableInput = z.object({
  l3Id: z.uuid("Not an L3 id"),
  migratable: z.boolean(),
});
export type SetL3MigratableInput = z.input<typeof setL3MigratableInput>;

/** Marks a VF NIC migratable or not, while its VM is stopped: the next start defines the pair. */
export async function setNicMigratable(
  db: Db,
  actor: Actor,
  rawInput: SetNicMigratableInput,
): Promise<{ id: string; migratable: boolean }> {
  const input = setNicMigratableInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const { vm, nic } = await lockNic(tx, actor, input.nicId);
    if (nic.migratable === input.migratable) return { id: nic.id, migratable: nic.migratable };
    enforce(migratableVerdict(nic, vm.state), { nicId: nic.id, vm: vm.name });
    await tx.vmNic.update({ where: { id: nic.id }, data: { migratable: input.migratable } });
    await recordAudit(tx, actor, {
      action: "vmNic.setMigratable",
      targetType: "VmNic",
      targetId: nic.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: { vm: vm.name, nic: `eth${nic.deviceIndex}`, migratable: input.migratable },
    });
    return { id: nic.id, migratable: input.migratable };
  }, TX_OPTIONS);
}

/**
 * An L3's SR-IOV profile "migratable" (R15: SR-IOV flags are the admin's): NICs created on it
 * from now on are migratable (a database trigger copies the flag at insert); NICs that exist
 * keep theirs, since their running domains were defined without a partner.
 */
export async function setL3Migratable(
  db: Db,
  actor: Actor,
  rawInput: SetL3MigratableInput,
): Promise<{ id: string; sriovMigratable: boolean }> {
  requireAdmin(actor, "change an L3's SR-IOV profile");
  const input = setL3MigratableInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const l3 = await tx.l3Network.findUnique({
      where: { id: input.l3Id },
      include: { l2: { select: { sriovEnabled: true } } },
    });
    if (!l3) throw notFound("L3 network", input.l3Id);
    checkL3MigratableAllowed(l3, input.migratable);
    await tx.l3Network.update({
      where: { id: l3.id },
      data: { sriovMigratable: input.migratable },
    });
    await recordAudit(tx, actor, {
      action: "l3.setMigratable",
      targetType: "L3Network",
      targetId: l3.id,
      outcome: "Success",
      details: { name: l3.name, migratable: input.migratable },
    });
    return { id: l3.id, sriovMigratable: input.migratable };
  }, TX_OPTIONS);
}
