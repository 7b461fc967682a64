import type { Db, NicQos } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import type { Actor } from "../shared/actor";
import { TX_OPTIONS } from "../vms/access";
import { enforce, qosVerdict } from "../vms/rules";
import { nicIdInput, type NicIdInput } from "../vms/schemas";
import { lockNicFacts } from "./nic";
import { setNicQosInput, type SetNicQosInput } from "./schemas";

/** Bandwidth limits on a vNIC. R4: refused on a VF NIC (the NIC row lock orders it against a type change). */
export async function setNicQos(db: Db, actor: Actor, rawInput: SetNicQosInput): Promise<NicQos> {
  const input = setNicQosInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const { vm, nic, facts } = await lockNicFacts(tx, actor, input.nicId);
    enforce(qosVerdict(facts), { nicId: nic.id });
    const data = { inboundKbps: input.inboundKbps, outboundKbps: input.outboundKbps };
    const qos = await tx.nicQos.upsert({
      where: { nicId: nic.id },
      create: { nicId: nic.id, ...data },
      update: data,
    });
    await recordAudit(tx, actor, {
      action: "vmNic.setQos",
      targetType: "VmNic",
      targetId: nic.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: data,
    });
    return qos;
  }, TX_OPTIONS);
}

export async function removeNicQos(db: Db, actor: Actor, rawInput: NicIdInput): Promise<void> {
  const { nicId } = nicIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    const { vm, nic } = await lockNicFacts(tx, actor, nicId);
    await tx.nicQos.deleteMany({ where: { nicId: nic.id } });
    await recordAudit(tx, actor, {
      action: "vmNic.removeQos",
      targetType: "VmNic",
      targetId: nic.id,
      projectId: vm.projectId,
      outcome: "Success",
    });
  }, TX_OPTIONS);
}
