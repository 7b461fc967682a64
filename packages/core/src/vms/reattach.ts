import {
  isAgentError,
  isTransientCode,
  type AgentClient,
  type DomainSummary,
} from "@virtfn/agent-client";
import type { Db } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { createOperation } from "../operations/create";
import { ErrorCode, isDomainError } from "../shared/errors";
import { vmDomainName } from "../sriov/holders";
import { TX_OPTIONS } from "./access";
import { reacquireVfs } from "./commands";
import { loadVmWork } from "./load";
import { acquirePciDevices, releasePciDevices } from "../passthru/reserve";
import { releaseNicVfs } from "./reserve";
import { buildDomainSpec, nicSpec } from "./spec";

/**
 * Level-triggered repair after a host reboot: a VM the database says is Running (and wants
 * Running) whose domain is not running gets a `vm.recover` operation, which redefines the domain
 * with its VFs and starts it. It waits while any of its VFs is Missing (the pf.reapply operation
 * has not brought them back yet) or a pf.* operation is busy; a later pass sees them back. A VF
 * NIC whose VF was taken away (forced restore) gets a free one of its L2 (R8), else waits.
 * Whole devices it was given come back with it, held in the same transaction as its VFs (all or
 * nothing; the unique holder refuses a second VM). A given device the host no longer reports
 * (Missing after the reboot), or one another VM holds, makes it wait instead: starting would fail
 * and stop the VM for good. The wait's reason is an audit event, once per boot.
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
    include: {
      nics: { include: { vf: { include: { pf: { select: { id: true } } } } } },
      pciDevices: { include: { device: { select: { pciAddress: true, missing: true } } } },
    },
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
    const missing = vm.pciDevices.filter((given) => given.device.missing);
    if (missing.length > 0) {
      const addresses = missing.map((given) => given.device.pciAddress).join(", ");
      await noteRecoveryWait(
        db,
        vm,
        host,
        `${addresses} is not reported by ${host.name} since its reboot; the VM starts again with it once it is back`,
      );
      continue;
    }
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
        const hostdevs = await acquirePciDevices(tx, vm, host);
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
            ...(hostdevs.length > 0 ? { hostdevs: hostdevs.join(",") } : {}),
          },
        });
        queued += 1;
      }, TX_OPTIONS);
    } catch (error) {
      // Another operation owns the VM, no VF is free for it yet, or another VM holds one of its
      // devices: a later pass tries again.
      if (!isDomainError(error)) throw error;
      if (error.code === ErrorCode.PCI_DEVICE_UNAVAILABLE)
        await noteRecoveryWait(db, vm, host, error.message);
    }
  }
  return queued;
}

/** Says once per boot why a VM that should run is not started again yet (an audit event). */
async function noteRecoveryWait(
  db: Db,
  vm: { id: string; name: string; projectId: string },
  host: { name: string; bootId: string | null },
  reason: string,
): Promise<void> {
  const bootId = host.bootId ?? "unknown";
  const noted = await db.auditEvent.count({
    where: {
      action: "vm.recoverWaiting",
      targetId: vm.id,
      details: { path: ["bootId"], equals: bootId },
    },
  });
  if (noted > 0) return;
  await recordAudit(db, null, {
    action: "vm.recoverWaiting",
    targetType: "Vm",
    targetId: vm.id,
    projectId: vm.projectId,
    outcome: "Success",
    details: { name: vm.name, host: host.name, bootId, reason },
  });
}

export interface SettledVm {
  vmId: string;
  name: string;
  to: "Running" | "Stopped";
  reason: string;
}

/**
 * A VM in Error is settled to what its domain shows (issue 10): a domain running with every VF
 * its NICs hold makes the VM Running again; a domain that runs without them, or one that stopped
 * while the VM still holds VFs, is stopped cleanly, its VFs released and the domain redefined
 * without them. Either way the audit log says which and why. A VM in Error that holds nothing
 * and runs nothing (a failed create) keeps its Error and reason. VMs with an operation in
 * flight belong to it. `domains` is the agent's snapshot, read before this runs.
 */
export async function settleErrorVms(
  db: Db,
  hostId: string,
  agent: AgentClient,
  domains: DomainSummary[],
): Promise<SettledVm[]> {
  const vms = await db.vm.findMany({
    where: { hostId, state: "Error" },
    include: { nics: { include: { vf: true } } },
  });
  if (vms.length === 0) return [];
  const busy = new Set(
    (
      await db.operation.findMany({
        where: {
          targetType: "Vm",
          targetId: { in: vms.map((vm) => vm.id) },
          status: { in: ["Pending", "Running"] },
        },
        select: { targetId: true },
      })
    ).map((op) => op.targetId),
  );
  const byName = new Map(domains.map((d) => [d.name, d]));
  const settled: SettledVm[] = [];
  for (const vm of vms) {
    if (busy.has(vm.id)) continue;
    const domain = byName.get(vmDomainName(vm));
    const held = vm.nics.filter((nic) => nic.vf !== null);
    let verdict: SettledVm;
    if (domain?.state === "running") {
      const vfNics = vm.nics.filter((nic) => nic.type === "VF");
      const complete = vfNics.every(
        (nic) => nic.vf !== null && domain.vfs.includes(nic.vf.pciAddress),
      );
      verdict = complete
        ? { vmId: vm.id, name: vm.name, to: "Running", reason: "its domain runs with its VFs" }
        : { vmId: vm.id, name: vm.name, to: "Stopped", reason: "its domain ran without its VFs" };
    } else if (held.length > 0 || (domain && domain.vfs.length > 0)) {
      verdict = {
        vmId: vm.id,
        name: vm.name,
        to: "Stopped",
        reason: domain ? "its domain is stopped" : "its domain is gone",
      };
    } else continue;
    if (verdict.to === "Stopped" && domain) {
      const work = await loadVmWork(db, vm.id);
      if (!work) continue;
      if (domain.state !== "shutoff") await agent.destroyDomain(vmDomainName(vm));
      await agent.defineDomain(
        buildDomainSpec({
          ...work,
          nics: work.nics.map((nic) => ({ ...nic, vf: null })),
          pciDevices: [],
        }),
      );
    }
    const done = await db.$transaction(async (tx) => {
      const { count } = await tx.vm.updateMany({
        where: { id: vm.id, state: "Error" },
        data: { state: verdict.to, desiredState: verdict.to },
      });
      if (count === 0) return false;
      if (verdict.to === "Running") {
        for (const nic of held) {
          await tx.virtualFunction.updateMany({
            where: { id: nic.vf?.id ?? "", state: { in: ["Reserved", "Attached", "Releasing"] } },
            data: { state: "Attached", mac: nic.mac, stateChangedAt: new Date() },
          });
        }
      } else {
        await releaseNicVfs(tx, held, true);
        await releasePciDevices(tx, vm.id);
      }
      await recordAudit(tx, null, {
        action: "vm.reconciled",
        targetType: "Vm",
        targetId: vm.id,
        projectId: vm.projectId,
        outcome: "Success",
        details: { name: vm.name, from: "Error", to: verdict.to, reason: verdict.reason },
      });
      return true;
    }, TX_OPTIONS);
    if (done) settled.push(verdict);
  }
  return settled;
}

export interface RepairedNic {
  vmId: string;
  name: string;
  mac: string;
  vf: string;
  to: "reattached" | "lost";
  reason: string;
}

/**
 * A Running VM whose domain runs but lacks a VF its NIC holds (someone detached it on the host,
 * the device was hot-unplugged under it) is repaired (issue 10): the VF is plugged back in; if
 * the host refuses it (the VF is gone or taken), the NIC lets it go and honestly reads "VF lost"
 * until a start or reboot takes a free one (R8). Each repair is an event on the VM. A domain that
 * does not run at all is `recoverVmsOnHost`'s. VMs with an operation in flight belong to it.
 */
export async function repairRunningVmVfs(
  db: Db,
  hostId: string,
  agent: AgentClient,
  domains: DomainSummary[],
): Promise<RepairedNic[]> {
  const byName = new Map(domains.filter((d) => d.state === "running").map((d) => [d.name, d]));
  const vms = await db.vm.findMany({
    where: { hostId, state: "Running", desiredState: "Running" },
    select: { id: true },
  });
  const busy = new Set(
    (
      await db.operation.findMany({
        where: {
          targetType: "Vm",
          targetId: { in: vms.map((vm) => vm.id) },
          status: { in: ["Pending", "Running"] },
        },
        select: { targetId: true },
      })
    ).map((op) => op.targetId),
  );
  const repaired: RepairedNic[] = [];
  for (const { id } of vms) {
    if (busy.has(id)) continue;
    const work = await loadVmWork(db, id);
    const domain = work ? byName.get(vmDomainName(work)) : undefined;
    if (!work || !domain) continue;
    for (const nic of work.nics) {
      const vf = nic.vf;
      if (nic.type !== "VF" || vf === null || vf.state !== "Attached") continue;
      if (domain.vfs.includes(vf.pciAddress)) continue;
      const spec = nicSpec(nic, work.offering.vcpus);
      let outcome: RepairedNic = {
        vmId: work.id,
        name: work.name,
        mac: nic.mac,
        vf: vf.pciAddress,
        to: "reattached",
        reason: "its domain ran without the VF",
      };
      try {
        if (spec?.type !== "vf") continue;
        // The whole spec: a migratable NIC's VF goes back teamed with its virtio partner.
        const { type: _type, ...vf } = spec;
        await agent.attachVf(vmDomainName(work), { ...vf, live: true });
      } catch (error) {
        if (!isAgentError(error) || isTransientCode(error.code)) throw error;
        outcome = {
          ...outcome,
          to: "lost",
          reason: `the host refused the VF back: ${error.message}`,
        };
      }
      const done = await db.$transaction(async (tx) => {
        // Compare-and-set: the NIC still holds this VF and the VM still runs.
        const still = await tx.vmNic.count({
          where: { id: nic.id, vfId: vf.id, vm: { state: "Running" } },
        });
        if (still === 0) return false;
        if (outcome.to === "lost") await releaseNicVfs(tx, [nic], true);
        await recordAudit(tx, null, {
          action: outcome.to === "lost" ? "vm.vfLost" : "vm.vfReattached",
          targetType: "Vm",
          targetId: work.id,
          projectId: work.projectId,
          outcome: "Success",
          details: {
            name: work.name,
            nicId: nic.id,
            mac: nic.mac,
            vf: vf.pciAddress,
            reason: outcome.reason,
          },
        });
        return true;
      }, TX_OPTIONS);
      if (done) repaired.push(outcome);
    }
  }
  return repaired;
}
