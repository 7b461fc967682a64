import type { AgentClient } from "@virtfn/agent-client";
import type { DbOrTx, Tx } from "@virtfn/db";
import { resolveInterface } from "../sriov/availability";
import type { VmWork } from "./load";

// domain.md: a VF reaches a vNIC on the same L2 and host only if the PF's embedded switch knows
// the vNIC's MAC. FdbEntry rows are the desired entries; the agent calls make them so.

/** Replaces a VM's desired FDB rows with those its NICs need on its current host. */
export async function rebuildFdbRows(tx: Tx, vmId: string): Promise<void> {
  const vm = await tx.vm.findUnique({
    where: { id: vmId },
    select: {
      hostId: true,
      nics: { select: { id: true, mac: true, type: true, l3: { select: { l2: true } } } },
    },
  });
  if (!vm) return;
  await tx.fdbEntry.deleteMany({ where: { nicId: { in: vm.nics.map((nic) => nic.id) } } });
  if (!vm.hostId) return;
  const pfs = await tx.physicalNic.findMany({
    where: { hostId: vm.hostId },
    select: { name: true, bondName: true },
  });
  const rows = vm.nics
    .filter((nic) => nic.type === "VNIC" && nic.l3.l2.sriovEnabled)
    .flatMap((nic) =>
      resolveInterface(pfs, nic.l3.l2.physicalInterface).map((pf) => ({
        hostId: vm.hostId ?? "",
        pfName: pf.name,
        mac: nic.mac,
        nicId: nic.id,
      })),
    );
  if (rows.length > 0) await tx.fdbEntry.createMany({ data: rows, skipDuplicates: true });
}

/**
 * Makes the host match the VM's desired FDB rows: adds its vNICs' entries and removes entries
 * of its VF NICs' MACs (left over from before a type change). Idempotent on the agent side.
 */
export async function applyVmFdb(db: DbOrTx, agent: AgentClient, vm: VmWork): Promise<number> {
  if (!vm.hostId) return 0;
  const rows = await db.fdbEntry.findMany({
    where: { hostId: vm.hostId, nicId: { in: vm.nics.map((nic) => nic.id) } },
  });
  for (const row of rows) await agent.addFdb(row.pfName, row.mac);
  const pfs = await db.physicalNic.findMany({
    where: { hostId: vm.hostId },
    select: { name: true, bondName: true },
  });
  for (const nic of vm.nics.filter((n) => n.type === "VF" && n.l3.l2.sriovEnabled)) {
    for (const pf of resolveInterface(pfs, nic.l3.l2.physicalInterface))
      await agent.removeFdb(pf.name, nic.mac);
  }
  return rows.length;
}

/** Removes the host's entries for these rows (the NIC goes, or the VM leaves the host). */
export async function removeFdbRows(
  agent: AgentClient,
  rows: Array<{ pfName: string; mac: string }>,
): Promise<void> {
  for (const row of rows) await agent.removeFdb(row.pfName, row.mac);
}
