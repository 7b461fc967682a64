import type { AgentClient } from "@virtfn/agent-client";
import type { Db } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { createOperation } from "../operations/create";
import { isDomainError } from "../shared/errors";
import { vmDomainName } from "../sriov/holders";
import { TX_OPTIONS } from "./access";
import { reacquireVfs } from "./commands";

/**
 * Level-triggered repair after a host reboot: a VM the database says is Running (and wants
 * Running) whose domain is not running gets a `vm.recover` operation, which redefines the domain
 * with its VFs and starts it. It waits while any of its VFs is Missing (the pf.reapply operation
 * has not brought them back yet) or a pf.* operation is busy; a later pass sees them back. A VF
 * NIC whose VF was taken away (forced restore) gets a free one of its L2 (R8), else waits.
 * Returns the number of operations queued.
 */
export async function recoverVmsOnHost(
  db: Db,
  hostId: string,
  agent: AgentClient,
): Promise<number> {
  const host = await db.host.findUnique({ where: { id: hostId } });
  if (!host || host.connectionState !== "Connected") return 0;
  const vms = await db.vm.findMany({
    where: { hostId, state: "Running", desiredState: "Running" },
    include: { nics: { include: { vf: { include: { pf: { select: { id: true } } } } } } },
  });
  if (vms.length === 0) return 0;
  const running = new Set(
    (await agent.listDomains()).filter((d) => d.state === "running").map((d) => d.name),
  );
  const busyPfs = new Set(
    (
      await db.operation.findMany({
        where: { targetType: "PhysicalNic", status: { in: ["Pending", "Running"] } },
        select: { targetId: true },
      })
    ).map((op) => op.targetId),
  );
  let queued = 0;
  for (const vm of vms) {
    if (running.has(vmDomainName(vm))) continue;
    const waiting = vm.nics.some(
      (nic) => nic.vf && (nic.vf.state === "Missing" || busyPfs.has(nic.vf.pf.id)),
    );
    if (waiting) continue;
    try {
      await db.$transaction(async (tx) => {
        const { count } = await tx.vm.updateMany({
          where: { id: vm.id, state: "Running", desiredState: "Running" },
          data: { state: "Starting" },
        });
        if (count === 0) return;
        await createOperation(tx, null, {
          kind: "vm.recover",
          targetType: "Vm",
          targetId: vm.id,
          targetName: vm.name,
          projectId: vm.projectId,
        });
        const vfs = await reacquireVfs(tx, vm.id, host);
        await recordAudit(tx, null, {
          action: "vm.recover",
          targetType: "Vm",
          targetId: vm.id,
          projectId: vm.projectId,
          outcome: "Success",
          details: {
            name: vm.name,
            host: host.name,
            bootId: host.bootId,
            reacquired: vfs.join(","),
          },
        });
        queued += 1;
      }, TX_OPTIONS);
    } catch (error) {
      // Another operation owns the VM, or no VF is free for it yet: a later pass tries again.
      if (isDomainError(error)) continue;
      throw error;
    }
  }
  return queued;
}
