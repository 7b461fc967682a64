import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startAgent, type RunningAgent } from "@virtfn/agent";
import { createAgentClient, type AgentClient, type RouteName } from "@virtfn/agent-client";
import { addHost, createL2Network, createL3Network, type L3View } from "@virtfn/core";
import type { Db, PhysicalNic } from "@virtfn/db";
import { AGENT_TOKEN, waitForOperation, type Fixture } from "./helpers";

export interface SimHost {
  hostId: string;
  name: string;
  agent: RunningAgent;
  client: AgentClient;
}

/** A sim agent with a per-VF delay, so that a split lasts long enough to watch its progress. */
export async function startSlowSimAgent(
  profile: string,
  perVfDelayMs: number,
  onRequest?: (route: RouteName) => void,
): Promise<RunningAgent> {
  const stateDir = mkdtempSync(
    path.join(process.env.VIRTFN_TEST_TMPDIR ?? os.tmpdir(), "virtfn-agent-"),
  );
  const agent = await startAgent({
    port: 0,
    token: AGENT_TOKEN,
    backend: "sim",
    sim: { stateDir, profile, perVfDelayMs },
    ...(onRequest === undefined ? {} : { onRequest }),
  });
  return {
    ...agent,
    close: async () => {
      await agent.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Adds a host on a fresh sim agent and waits until it is Connected with its NIC table. */
export async function addSimHost(
  fx: Fixture,
  agents: RunningAgent[],
  name: string,
  profile: string,
  options: {
    scanIommu?: boolean;
    perVfDelayMs?: number;
    /** Told of every request the host's agent gets, by route. */
    onRequest?: (route: RouteName) => void;
  } = {},
): Promise<SimHost> {
  const agent = await startSlowSimAgent(profile, options.perVfDelayMs ?? 0, options.onRequest);
  agents.push(agent);
  const { host, operation } = await addHost(fx.db, fx.admin, {
    name,
    clusterId: fx.clusterId,
    agentUrl: agent.url,
    agentToken: AGENT_TOKEN,
    scanIommu: options.scanIommu ?? true,
  });
  const done = await waitForOperation(fx.db, fx.admin, operation.id);
  if (done.status !== "Succeeded") throw new Error(`adding ${name} failed: ${done.errorMessage}`);
  return {
    hostId: host.id,
    name,
    agent,
    client: createAgentClient({ baseUrl: agent.url, token: AGENT_TOKEN }),
  };
}

export async function pfNamed(
  db: Db,
  hostId: string,
  name: string,
): Promise<PhysicalNic & { name: string }> {
  const pf = await db.physicalNic.findUniqueOrThrow({ where: { hostId_name: { hostId, name } } });
  return { ...pf, name };
}

/** Rows a rejected request must not add or change. */
export async function footprint(db: Db) {
  const [operations, outbox, audits, vfs, nics, pfs] = await Promise.all([
    db.operation.count(),
    db.outboxEntry.count(),
    db.auditEvent.count(),
    db.virtualFunction.count(),
    db.vmNic.count({ where: { vfId: { not: null } } }),
    db.physicalNic.findMany({
      select: { id: true, desiredNumVfs: true, numVfs: true },
      orderBy: { id: "asc" },
    }),
  ]);
  return { operations, outbox, audits, vfs, nics, pfs };
}

/** An SR-IOV L2 on `physicalInterface`, attached to the fixture's cluster, with one SR-IOV L3. */
export async function createSriovNetwork(
  fx: Fixture,
  name: string,
  physicalInterface: string,
  cidr: string,
): Promise<L3View> {
  const zone = await fx.db.zone.findFirstOrThrow({ where: { name: "zone-1" } });
  const l2 = await createL2Network(fx.db, fx.admin, {
    zoneId: zone.id,
    name: `${name}-l2`,
    type: "NoVlan",
    physicalInterface,
    sriovEnabled: true,
    clusterIds: [fx.clusterId],
  });
  return createL3Network(fx.db, fx.admin, {
    l2Id: l2.id,
    name: `${name}-l3`,
    category: "Flat",
    sriovEnabled: true,
    ipRanges: [{ cidr }],
  });
}

let macSeq = 0;

/**
 * A running VM whose VF NIC holds the given VF, written straight to the database (the VM service
 * comes with a later issue), plus its domain on the sim agent so the kernel sees the VF in use.
 */
export async function insertVmHoldingVf(
  fx: Fixture,
  host: SimHost,
  args: { name: string; l3Id: string; vfId: string; ip: string; defineDomain?: boolean },
): Promise<{ vmId: string; nicId: string; mac: string }> {
  const project = await fx.db.project.findFirstOrThrow({ where: { name: "demo-project" } });
  const offering = await fx.db.instanceOffering.findFirstOrThrow();
  const image = await fx.db.image.findFirstOrThrow();
  const vf = await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: args.vfId } });
  macSeq += 1;
  const mac = `52:54:00:aa:00:${macSeq.toString(16).padStart(2, "0")}`;
  const vm = await fx.db.vm.create({
    data: {
      projectId: project.id,
      name: args.name,
      offeringId: offering.id,
      imageId: image.id,
      state: "Running",
      hostId: host.hostId,
      clusterId: fx.clusterId,
    },
  });
  const nic = await fx.db.vmNic.create({
    data: {
      vmId: vm.id,
      l3Id: args.l3Id,
      deviceIndex: 0,
      ip: args.ip,
      mac,
      type: "VF",
      vfId: vf.id,
    },
  });
  await fx.db.virtualFunction.update({ where: { id: vf.id }, data: { state: "Attached", mac } });
  if (args.defineDomain ?? true) {
    await host.client.defineDomain({
      name: vm.id,
      vcpus: 1,
      memoryMiB: 1024,
      nics: [{ type: "vf", mac, pciAddress: vf.pciAddress }],
    });
    await host.client.startDomain(vm.id);
  }
  return { vmId: vm.id, nicId: nic.id, mac };
}
