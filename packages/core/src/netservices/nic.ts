import type { Tx } from "@virtfn/db";
import type { Actor } from "../shared/actor";
import { lockNic } from "../vms/access";
import type { NicFacts } from "../vms/rules";

/** The NIC (locked, with its VM locked first) and the facts the R4–R6 verdicts need. */
export async function lockNicFacts(tx: Tx, actor: Actor, nicId: string) {
  const { vm, nic } = await lockNic(tx, actor, nicId);
  const facts: NicFacts = {
    deviceIndex: nic.deviceIndex,
    type: nic.type,
    l3Name: nic.l3.name,
    l3Category: nic.l3.category,
    sriovAvailable: nic.l3.sriovEnabled && nic.l3.l2.sriovEnabled,
    hasQos: nic.qos !== null,
    securityGroupCount: nic._count.securityGroups,
    hasEip: nic.eip !== null,
  };
  return { vm, nic, facts };
}
