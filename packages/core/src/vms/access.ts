import type { DbOrTx, Prisma, Tx } from "@virtfn/db";
import type { Actor } from "../shared/actor";
import { DomainError, ErrorCode, notFound } from "../shared/errors";
import { requireVisibleProject, visibleProjects } from "../shared/visibility";

/** Interactive transactions here wait on row locks under load; Prisma's 2 s / 5 s defaults are too short. */
export const TX_OPTIONS = { maxWait: 20_000, timeout: 30_000 } as const;

/** Admins and auditors see every VM; tenants only their projects' (R15). */
export function vmVisibleWhere(actor: Actor): Prisma.VmWhereInput {
  return visibleProjects(actor);
}

/**
 * Only admins and members change a project's resources; auditors read. A tenant naming another
 * project gets NOT_FOUND, the one answer for projects it cannot see, not FORBIDDEN.
 */
export function requireProjectWriter(actor: Actor, projectId: string): void {
  if (actor.role === "Admin") return;
  requireVisibleProject(actor, projectId);
  if (actor.role === "Tenant" && actor.projectIds.includes(projectId)) return;
  throw new DomainError(
    ErrorCode.FORBIDDEN,
    "FORBIDDEN",
    "You cannot change resources of this project.",
    { projectId },
  );
}

/**
 * The VM if the actor may see it, else NOT_FOUND, so that other projects' VMs do not leak their
 * existence. `write` then requires the right to change it (auditors read only).
 */
export async function visibleVm(db: DbOrTx, actor: Actor, vmId: string, write: boolean) {
  const vm = await db.vm.findFirst({ where: { AND: [{ id: vmId }, vmVisibleWhere(actor)] } });
  if (!vm) throw notFound("VM", vmId);
  if (write) requireProjectWriter(actor, vm.projectId);
  return vm;
}

/** Locks the VM row: state checks and changes by concurrent requests happen one after the other. */
export async function lockVm(tx: Tx, actor: Actor, vmId: string) {
  await tx.$queryRaw`SELECT id FROM "Vm" WHERE id = ${vmId}::uuid FOR UPDATE`;
  return visibleVm(tx, actor, vmId, true);
}

/** A NIC the actor may change, with its VM locked first (VM, then NIC: one lock order everywhere). */
export async function lockNic(tx: Tx, actor: Actor, nicId: string) {
  const peek = await tx.vmNic.findUnique({ where: { id: nicId }, select: { vmId: true } });
  if (!peek) throw notFound("NIC", nicId);
  const vm = await lockVm(tx, actor, peek.vmId).catch((error: unknown) => {
    // The NIC's VM is invisible: say the NIC is not found, not that the VM is.
    if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND)
      throw notFound("NIC", nicId);
    throw error;
  });
  await tx.$queryRaw`SELECT id FROM "VmNic" WHERE id = ${nicId}::uuid FOR UPDATE`;
  const nic = await tx.vmNic.findUnique({
    where: { id: nicId },
    include: {
      l3: { include: { l2: true } },
      qos: true,
      eip: { include: { vipL3: { select: { category: true } } } },
      _count: { select: { securityGroups: true } },
    },
  });
  if (!nic || nic.vmId !== vm.id) throw notFound("NIC", nicId);
  return { vm, nic };
}
