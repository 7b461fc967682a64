import { isAgentError, type AgentClient } from "@virtfn/agent-client";
import { Prisma, queryRows, type Db, type SqlClient } from "@virtfn/db";
import { z } from "zod";
import { recordAudit } from "../operations/audit";
import type { AgentTarget } from "../runtime/context";
import type { VmRef } from "./rules";

/**
 * The libvirt domain name of a VM. One definition, so that the VM issue and the forced detach
 * below name the same domain.
 */
export function vmDomainName(vm: { id: string }): string {
  return vm.id;
}

/** The VMs whose NICs hold VFs of this PF, each once, by name. */
export async function vmsHoldingVfsOf(db: SqlClient, pfId: string): Promise<VmRef[]> {
  // One plain statement: every split's job asks (Prisma's nested select made it two).
  const rows = await queryRows(
    db,
    Prisma.sql`
    SELECT DISTINCT vm.id::text AS id, vm.name
      FROM "VmNic" n
      JOIN "VirtualFunction" vf ON vf.id = n."vfId"
      JOIN "Vm" vm ON vm.id = n."vmId"
     WHERE vf."pfId" = ${pfId}::uuid`,
  );
  return z
    .array(z.object({ id: z.string(), name: z.string() }))
    .parse(rows)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface DetachContext {
  db: Db;
  agentFor(target: AgentTarget): AgentClient;
  operationId: string;
  reason: string;
}

/**
 * R11, forced restore: takes the VFs of this PF away from the NICs that hold them. The domain
 * loses the device first, then the NIC row lets go of the VF. The NIC itself stays, still of type
 * VF and without a VF, like a stopped VM's NIC (R8): starting the VM later re-acquires one.
 */
export async function detachVfNics(ctx: DetachContext, pfId: string): Promise<number> {
  const nics = await ctx.db.vmNic.findMany({
    where: { vf: { pfId } },
    select: {
      id: true,
      mac: true,
      vf: { select: { id: true, pciAddress: true } },
      vm: {
        select: {
          id: true,
          name: true,
          projectId: true,
          host: { select: { agentUrl: true, agentToken: true } },
        },
      },
    },
  });
  let detached = 0;
  for (const nic of nics) {
    const vf = nic.vf;
    if (vf === null) continue;
    if (nic.vm.host) {
      try {
        await ctx
          .agentFor(nic.vm.host)
          .detachVf(vmDomainName(nic.vm), { pciAddress: vf.pciAddress, live: true });
      } catch (error) {
        // A domain the hypervisor does not know has nothing to detach.
        if (!(isAgentError(error) && error.code === "NOT_FOUND")) throw error;
      }
    }
    await ctx.db.$transaction(async (tx) => {
      // Compare-and-set: a retried job finds the NIC already released and moves on.
      const { count } = await tx.vmNic.updateMany({
        where: { id: nic.id, vfId: vf.id },
        data: { vfId: null, lastVfId: null },
      });
      if (count === 0) return;
      await tx.virtualFunction.update({
        where: { id: vf.id },
        data: { state: "Available", mac: null, stateChangedAt: new Date() },
      });
      await recordAudit(tx, null, {
        action: "vmNic.detachVf",
        targetType: "VmNic",
        targetId: nic.id,
        projectId: nic.vm.projectId,
        outcome: "Success",
        details: {
          vm: nic.vm.name,
          vmId: nic.vm.id,
          vf: vf.pciAddress,
          operationId: ctx.operationId,
          reason: ctx.reason,
        },
      });
      // The VM's own event: its page shows the NIC as "VF lost" until a start or reboot takes a free one.
      await recordAudit(tx, null, {
        action: "vm.vfLost",
        targetType: "Vm",
        targetId: nic.vm.id,
        projectId: nic.vm.projectId,
        outcome: "Success",
        details: {
          name: nic.vm.name,
          nicId: nic.id,
          mac: nic.mac,
          vf: vf.pciAddress,
          operationId: ctx.operationId,
          reason: ctx.reason,
        },
      });
      detached += 1;
    });
  }
  return detached;
}

/**
 * Per PF, its VFs that a VM holds or is about to hold: reserved, attached or releasing, or held by
 * a NIC whatever their state. In SQL, one index probe per VF of the PFs: Prisma's form of the
 * same filter joins the VFs to every NIC's VF (the whole index) before it filters.
 */
export async function vfsInUseByPf(db: SqlClient, pfIds: string[]): Promise<Map<string, number>> {
  if (pfIds.length === 0) return new Map();
  const rows = z.array(z.object({ pfId: z.string(), n: z.number() })).parse(
    await queryRows(
      db,
      Prisma.sql`
    SELECT vf."pfId"::text AS "pfId", count(*)::int AS n
    FROM "VirtualFunction" vf
    WHERE vf."pfId" = ANY(${pfIds}::uuid[])
      AND (vf.state IN ('Reserved', 'Attached', 'Releasing')
           OR EXISTS (SELECT 1 FROM "VmNic" n WHERE n."vfId" = vf.id))
    GROUP BY vf."pfId"`,
    ),
  );
  return new Map(rows.map((row) => [row.pfId, row.n]));
}

/** vfsInUseByPf for one PF. */
export async function vfsInUseOf(db: SqlClient, pfId: string): Promise<number> {
  return (await vfsInUseByPf(db, [pfId])).get(pfId) ?? 0;
}
