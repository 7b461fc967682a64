import {
  DEFAULT_VF_PORT,
  isAgentError,
  type AgentClient,
  type PhysicalNic,
  VfPortObserved,
  type VfPortSettings,
} from "@virtfn/agent-client";
import { Prisma, type Db, type Tx } from "@virtfn/db";
import { VfLinkState } from "@virtfn/db/enums";
import { z } from "zod";
import { recordAudit } from "../operations/audit";
import { requestHostSync } from "../operations/host-sync";
import type { OperationHandler, OperationResult } from "../runtime/context";
import type { Actor } from "../shared/actor";
import { lockNic, TX_OPTIONS } from "./access";
import { enforce } from "./rules";
import { nicIdInput } from "./schemas";
import { vfPortOf } from "./spec";
import {
  desiredVfPort,
  portChangeVerdict,
  portDrift,
  portPolicy,
  portVerdicts,
  type PortNic,
  type PortPolicyNetwork,
  type PortSetting,
  type PortVerdicts,
} from "./vf-port-rules";

// Issue 16: the VF port settings are desired state. The database says what each VF NIC's VF
// must have (vfPortOf); the agent's snapshot says what the PF driver has. This module is the
// compare and the repair, called from the reconciler and from the host.syncVfPorts operation.
// It also finishes releases: a released VF is Releasing until the agent has reset it, and only
// then Available, so no one is handed a VF that still carries its last holder's settings.

export interface VfPortRepair {
  /** VFs whose settings were re-applied (lost by a reboot or a driver reload, or changed). */
  applied: Array<{ vf: string; settings: PortSetting[] }>;
  /** Settings wanted that the VF's driver does not report: left alone, shown as unsupported. */
  unsupported: Array<{ vf: string; settings: PortSetting[] }>;
  /** Released VFs reset and handed back (Releasing → Available). */
  reset: string[];
  /** VFs whose repair or reset the agent refused; retried on the next pass. */
  failed: Array<{ vf: string; code: string }>;
}

const vfNicSelect = {
  id: true,
  deviceIndex: true,
  type: true,
  mac: true,
  vmId: true,
  vfTrust: true,
  vfLinkState: true,
  vfQueryRss: true,
  vf: { select: { id: true, pciAddress: true, portObserved: true, portObservedAt: true } },
  l3: {
    select: {
      name: true,
      vfAllowTrust: true,
      vfSpoofCheck: true,
      l2: {
        select: {
          name: true,
          type: true,
          vlanId: true,
          physicalInterface: true,
          vfAllowTrust: true,
          vfSpoofCheck: true,
        },
      },
    },
  },
} as const;

interface ObservedPort {
  vf: { id: string; portObserved: Prisma.JsonValue; portObservedAt: Date | null };
  port: VfPortObserved;
}

/**
 * How old a stored read-back may get while it stays the same: an unchanged port is written again
 * only this often, so a reconcile pass over many VFs does not rewrite every row.
 */
export const OBSERVED_PORT_REFRESH_MS = 5 * 60_000;

/** The stored read-back of a VF, or null when there is none (or it is not one). */
export function storedObservedPort(value: Prisma.JsonValue): VfPortObserved | null {
  const parsed = VfPortObserved.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const samePort = (a: VfPortObserved, b: VfPortObserved) =>
  (Object.keys(a) as Array<keyof VfPortObserved>).every((key) => a[key] === b[key]);

/**
 * Keeps what the agent read back on each VF (issue 16), so the API and the VM page show desired
 * against observed and a drift stays visible. Written when it changed or has grown old.
 */
async function storeObservedPorts(db: Db, readBack: readonly ObservedPort[]): Promise<void> {
  const now = new Date();
  for (const { vf, port } of readBack) {
    const stored = storedObservedPort(vf.portObserved);
    const fresh =
      vf.portObservedAt !== null &&
      now.getTime() - vf.portObservedAt.getTime() < OBSERVED_PORT_REFRESH_MS;
    if (stored !== null && samePort(stored, port) && fresh) continue;
    await db.virtualFunction.update({
      where: { id: vf.id },
      data: { portObserved: port, portObservedAt: now },
    });
  }
}

function observedPorts(nics: readonly PhysicalNic[]): Map<string, VfPortObserved> {
  const ports = new Map<string, VfPortObserved>();
  for (const nic of nics)
    for (const vf of nic.vfs) if (vf.port !== null) ports.set(vf.pciAddress, vf.port);
  return ports;
}

/**
 * One VF's repair: the settings that drifted are applied (a setting the driver does not report
 * is asked for at its default only, so a repair never fails on it). Returns what the agent reads
 * back: its answer to the repair, or `seen` when nothing was applied.
 */
async function repairPort(
  agent: AgentClient,
  pci: string,
  desired: VfPortSettings,
  seen: VfPortObserved,
  repair: VfPortRepair,
): Promise<VfPortObserved> {
  const drift = portDrift(desired, seen);
  const unsupported = drift.filter((s) => seen[s] === null);
  if (unsupported.length > 0) repair.unsupported.push({ vf: pci, settings: unsupported });
  const fixable = drift.filter((s) => seen[s] !== null);
  if (fixable.length === 0) return seen;
  const request: VfPortSettings = { ...desired };
  for (const s of unsupported) Object.assign(request, { [s]: DEFAULT_VF_PORT[s] });
  try {
    const after = await agent.setVfPort(pci, request);
    repair.applied.push({ vf: pci, settings: fixable });
    return after;
  } catch (error) {
    if (!isAgentError(error) || error.code === "UNREACHABLE" || error.code === "TIMEOUT")
      throw error;
    repair.failed.push({ vf: pci, code: error.code });
    return seen;
  }
}

/**
 * Brings the VF ports of the VF NICs on this host to their desired settings. VMs with an
 * operation in flight are left to it (it applies the settings with the attach). A setting the
 * driver does not report is asked for at its default only, so a repair never fails on it.
 */
export async function reconcileHostVfPorts(
  db: Db,
  hostId: string,
  agent: AgentClient,
  nics: readonly PhysicalNic[],
): Promise<VfPortRepair> {
  const repair: VfPortRepair = { applied: [], unsupported: [], reset: [], failed: [] };
  const held = await db.vmNic.findMany({
    where: { type: "VF", vf: { hostId } },
    select: vfNicSelect,
  });
  const busy = new Set(
    held.length === 0
      ? []
      : (
          await db.operation.findMany({
            where: {
              targetType: "Vm",
              targetId: { in: [...new Set(held.map((n) => n.vmId))] },
              status: { in: ["Pending", "Running"] },
            },
            select: { targetId: true },
          })
        ).map((op) => op.targetId),
  );
  const observed = observedPorts(nics);
  const readBack: ObservedPort[] = [];
  for (const nic of held) {
    const seen = nic.vf ? observed.get(nic.vf.pciAddress) : undefined;
    if (!nic.vf || seen === undefined) continue;
    const port = busy.has(nic.vmId)
      ? seen
      : await repairPort(agent, nic.vf.pciAddress, vfPortOf(nic), seen, repair);
    readBack.push({ vf: nic.vf, port });
  }
  await storeObservedPorts(db, readBack);
  const finished = await finishVfReleases(db, agent, hostId);
  repair.reset.push(...finished.reset);
  repair.failed.push(...finished.failed);
  return repair;
}

/**
 * Resets the host's released VFs on the agent, then hands each back (Releasing → Available,
 * compare-and-set, only while no NIC holds it). A VF whose reset fails stays Releasing, which
 * placement never takes, and the next reconcile tries again. The agent itself refuses to reset a
 * VF a domain holds, so a late reset can never undo a new holder's settings.
 */
export async function finishVfReleases(
  db: Db,
  agent: AgentClient,
  hostId: string,
): Promise<Pick<VfPortRepair, "reset" | "failed">> {
  const result: Pick<VfPortRepair, "reset" | "failed"> = { reset: [], failed: [] };
  const releasing = await db.virtualFunction.findMany({
    where: { hostId, state: "Releasing", heldBy: { is: null } },
    select: { id: true, pciAddress: true },
    orderBy: { pciAddress: "asc" },
  });
  for (const vf of releasing) {
    // The reset's read-back replaces the last holder's, so the next holder never sees that one.
    let readBack: VfPortObserved | null = null;
    try {
      readBack = (await agent.resetVf(vf.pciAddress)).port;
    } catch (error) {
      if (!isAgentError(error)) throw error;
      // A PF without a netdev (an NVMe controller) has no port to reset, and a VF the host does
      // not have carries no settings (the host sync marks it Missing if it stays away).
      if (error.code !== "UNSUPPORTED" && error.code !== "VF_NOT_FOUND") {
        result.failed.push({ vf: vf.pciAddress, code: error.code });
        continue;
      }
    }
    const now = new Date();
    const { count } = await db.virtualFunction.updateMany({
      where: { id: vf.id, state: "Releasing", heldBy: { is: null } },
      data: {
        state: "Available",
        stateChangedAt: now,
        portObserved: readBack ?? Prisma.DbNull,
        portObservedAt: readBack ? now : null,
      },
    });
    if (count === 1) result.reset.push(vf.pciAddress);
  }
  return result;
}

/**
 * The release step of the VM operations: resets what they just released, on their host. A
 * failure here is not the operation's: the VFs stay Releasing and the reconciler finishes them.
 */
export async function finishReleasesQuietly(
  db: Db,
  agent: AgentClient,
  hostId: string,
): Promise<number> {
  try {
    return (await finishVfReleases(db, agent, hostId)).reset.length;
  } catch {
    return 0;
  }
}

/** The operation target of a host's VF port sync: apart from "Host", so it never blocks host operations. */
export const VF_PORT_SYNC_TARGET = "HostVfPorts";

/** Asks for the hosts' VF ports to be brought in line now, in the transaction that changed them. */
export async function requestVfPortSync(tx: Tx, hostIds: Iterable<string>): Promise<void> {
  await requestHostSync(tx, "host.syncVfPorts", VF_PORT_SYNC_TARGET, hostIds);
}

/** The `host.syncVfPorts` operation: the reconciler's VF port repair for one host, run at once. */
export const syncHostVfPorts: OperationHandler = async (
  ctx,
  operation,
): Promise<OperationResult> => {
  const host = await ctx.db.host.findUnique({ where: { id: operation.targetId } });
  if (!host) return { skipped: "the host is gone" } satisfies OperationResult;
  const agent = ctx.agentFor(host, { waitOutOutages: true });
  const snapshot = await agent.snapshot();
  const repair = await reconcileHostVfPorts(ctx.db, host.id, agent, snapshot.nics);
  return {
    applied: repair.applied.length,
    reset: repair.reset.length,
    unsupported: repair.unsupported.length,
    failed: repair.failed.length,
  } satisfies OperationResult;
};

/** The hosts whose VFs are held by VF NICs matching `where` (an L2's, an L3's). */
export async function hostsWithVfNicsWhere(
  tx: Tx,
  where: Prisma.VmNicWhereInput,
): Promise<string[]> {
  const vfs = await tx.virtualFunction.findMany({
    where: { heldBy: { is: { type: "VF", ...where } } },
    select: { hostId: true },
    distinct: ["hostId"],
  });
  return vfs.map((vf) => vf.hostId);
}

export interface VfPortView {
  /** What the agent keeps on the VF: the NIC's settings under the network's policy. */
  desired: VfPortSettings;
  /** What the tenant asked for (trust may be more than the policy grants). */
  requested: { trust: boolean; linkState: VfLinkState; queryRss: boolean };
  /** What the agent last read back from the NIC's VF, and when; null before the first read. */
  observed: { port: VfPortObserved; at: Date } | null;
  /** The settings whose observed value is not the desired one (empty without an observation). */
  drift: PortSetting[];
  verdicts: PortVerdicts;
}

type PortViewNic = PortNic & {
  l3: PortPolicyNetwork & { l2: PortPolicyNetwork["l2"] };
  vf?: { portObserved: Prisma.JsonValue; portObservedAt: Date | null } | null;
};

export function vfPortView(nic: PortViewNic): VfPortView | null {
  if (nic.type !== "VF") return null;
  const policy = portPolicy(nic.l3);
  const desired = desiredVfPort(nic, policy);
  const port = nic.vf ? storedObservedPort(nic.vf.portObserved) : null;
  const observed =
    port !== null && nic.vf?.portObservedAt ? { port, at: nic.vf.portObservedAt } : null;
  return {
    desired,
    requested: { trust: nic.vfTrust, linkState: nic.vfLinkState, queryRss: nic.vfQueryRss },
    observed,
    drift: observed ? portDrift(desired, observed.port) : [],
    verdicts: portVerdicts(nic, policy),
  };
}

export const setNicVfPortInput = nicIdInput.extend({
  linkState: z.enum(VfLinkState).optional(),
  trust: z.boolean().optional(),
  queryRss: z.boolean().optional(),
});
export type SetNicVfPortInput = z.input<typeof setNicVfPortInput>;

/**
 * A VF NIC's port settings (issue 16): link state and query_rss are the NIC owner's; trust only
 * where the L3 (or its L2) allows it. The row is the desired state; when the NIC holds a VF, its
 * host is asked to follow at once (host.syncVfPorts), and the reconciler keeps it so.
 */
export async function setNicVfPort(
  db: Db,
  actor: Actor,
  rawInput: SetNicVfPortInput,
): Promise<VfPortView> {
  const input = setNicVfPortInput.parse(rawInput);
  return db.$transaction(async (tx) => {
    const { vm, nic } = await lockNic(tx, actor, input.nicId);
    const policy = portPolicy(nic.l3);
    enforce(portChangeVerdict(nic, policy, input), { nicId: nic.id, vm: vm.name });
    const changes = {
      ...(input.linkState !== undefined ? { vfLinkState: input.linkState } : {}),
      ...(input.trust !== undefined ? { vfTrust: input.trust } : {}),
      ...(input.queryRss !== undefined ? { vfQueryRss: input.queryRss } : {}),
    };
    const updated = await tx.vmNic.update({
      where: { id: nic.id },
      data: changes,
      include: {
        l3: { include: { l2: true } },
        vf: { select: { portObserved: true, portObservedAt: true } },
      },
    });
    if (nic.vfId !== null && vm.hostId !== null) await requestVfPortSync(tx, [vm.hostId]);
    await recordAudit(tx, actor, {
      action: "vmNic.setVfPort",
      targetType: "VmNic",
      targetId: nic.id,
      projectId: vm.projectId,
      outcome: "Success",
      details: {
        vm: vm.name,
        nic: nic.mac,
        before: { trust: nic.vfTrust, linkState: nic.vfLinkState, queryRss: nic.vfQueryRss },
        changes,
      },
    });
    const view = vfPortView(updated);
    if (view === null) throw new Error("a VF NIC has a port view");
    return view;
  }, TX_OPTIONS);
}
