import {
  createL2Network,
  createL3Network,
  createVm,
  splitPhysicalNic,
  type Actor,
  type CreateVmInput,
  type L3View,
} from "@virtfn/core";
import type { Db } from "@virtfn/db";
import type { RunningAgent } from "@virtfn/agent";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, pfNamed, type SimHost } from "./sriov-helpers";

export interface Catalog {
  projectId: string;
  offeringId: string;
  imageId: string;
}

export async function catalog(db: Db): Promise<Catalog> {
  const project = await db.project.findFirstOrThrow({ where: { name: "demo-project" } });
  const offering = await db.instanceOffering.findFirstOrThrow({ where: { name: "small" } });
  const image = await db.image.findFirstOrThrow({ where: { name: "debian-12" } });
  return { projectId: project.id, offeringId: offering.id, imageId: image.id };
}

export async function split(
  fx: Fixture,
  host: SimHost,
  pfName: string,
  count: number,
): Promise<string> {
  const pf = await pfNamed(fx.db, host.hostId, pfName);
  const started = await splitPhysicalNic(fx.db, fx.admin, { pfId: pf.id, count });
  const done = await waitForOperation(fx.db, fx.admin, started.operation.id);
  if (done.status !== "Succeeded") throw new Error(`split failed: ${done.errorMessage}`);
  return pf.id;
}

/** An L2 (+ one L3) attached to the fixture's cluster. */
export async function network(
  fx: Fixture,
  args: {
    name: string;
    iface: string;
    cidr: string;
    sriov: boolean;
    category?: "Public" | "Flat" | "VRouter" | "Vpc";
    vlanId?: number;
  },
): Promise<L3View> {
  const zone = await fx.db.zone.findFirstOrThrow({ where: { name: "zone-1" } });
  const l2 = await createL2Network(fx.db, fx.admin, {
    zoneId: zone.id,
    name: `${args.name}-l2`,
    type: args.vlanId ? "Vlan" : "NoVlan",
    ...(args.vlanId ? { vlanId: args.vlanId } : {}),
    physicalInterface: args.iface,
    sriovEnabled: args.sriov,
    clusterIds: [fx.clusterId],
  });
  return createL3Network(fx.db, fx.admin, {
    l2Id: l2.id,
    name: `${args.name}-l3`,
    category: args.category ?? "Flat",
    sriovEnabled: args.sriov,
    ipRanges: [{ cidr: args.cidr }],
  });
}

/** Creates a VM and waits for its vm.create operation. */
export async function runningVm(
  fx: Fixture,
  actor: Actor,
  cat: Catalog,
  name: string,
  nics: CreateVmInput["nics"],
) {
  const { vm, operation } = await createVm(fx.db, actor, { ...cat, name, nics });
  const done = await waitForOperation(fx.db, fx.admin, operation.id);
  if (done.status !== "Succeeded")
    throw new Error(`create ${name} failed: ${done.errorCode} ${done.errorMessage}`);
  return vm;
}

export async function finish(fx: Fixture, started: Promise<{ operation: { id: string } }>) {
  const { operation } = await started;
  return waitForOperation(fx.db, fx.admin, operation.id);
}

/** Rows a rejected VM request must not add or change. */
export async function vmFootprint(db: Db) {
  const [vms, nics, operations, outbox, audits, reserved, attached, fdb, vmStates] =
    await Promise.all([
      db.vm.count(),
      db.vmNic.count(),
      db.operation.count(),
      db.outboxEntry.count(),
      db.auditEvent.count(),
      db.virtualFunction.count({ where: { state: "Reserved" } }),
      db.virtualFunction.count({ where: { state: "Attached" } }),
      db.fdbEntry.count(),
      db.vm.findMany({ select: { id: true, state: true, hostId: true }, orderBy: { id: "asc" } }),
    ]);
  return { vms, nics, operations, outbox, audits, reserved, attached, fdb, vmStates };
}

/** R16 and the VF state machine, checked in SQL: no VF held twice, every held VF in a held state. */
export async function vfConsistency(db: Db) {
  const doubles = await db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM (SELECT "vfId" FROM "VmNic" WHERE "vfId" IS NOT NULL GROUP BY "vfId" HAVING count(*) > 1) d`;
  const heldWithoutHolder = await db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM "VirtualFunction" vf
    WHERE vf.state IN ('Reserved', 'Attached') AND (SELECT count(*) FROM "VmNic" n WHERE n."vfId" = vf.id) <> 1`;
  const holderOfFreeVf = await db.$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*) AS n FROM "VmNic" n JOIN "VirtualFunction" vf ON vf.id = n."vfId" WHERE vf.state = 'Available'`;
  return {
    doubles: Number(doubles[0]?.n ?? 0),
    heldWithoutHolder: Number(heldWithoutHolder[0]?.n ?? 0),
    holderOfFreeVf: Number(holderOfFreeVf[0]?.n ?? 0),
  };
}

/** One sim host with `vfs` VFs split on `pf`, an SR-IOV L3 on it, and an in-process worker. */
export interface SimSetup {
  fx: Fixture;
  worker: RunningWorker;
  cat: Catalog;
  host: SimHost;
  l3: L3View;
  close(): Promise<void>;
}

export async function simSetup(
  label: string,
  args: { host: string; pf: string; vfs: number; cidr: string },
): Promise<SimSetup> {
  const fx = await createFixture(label);
  const worker = await startInProcessWorker(fx.config);
  const agents: RunningAgent[] = [];
  const cat = await catalog(fx.db);
  const host = await addSimHost(fx, agents, args.host, "kvm-i350-82599");
  await split(fx, host, args.pf, args.vfs);
  const l3 = await network(fx, { name: label, iface: args.pf, cidr: args.cidr, sriov: true });
  return {
    fx,
    worker,
    cat,
    host,
    l3,
    close: async () => {
      await worker.close();
      await Promise.all(agents.map((agent) => agent.close()));
      await fx.cleanup();
    },
  };
}
