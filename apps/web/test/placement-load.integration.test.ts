// Issue 9: at least 200 concurrent VM creates through the REST handler, from several API keys and
// projects, against fewer VFs spread over several sim hosts, with the web side on a deliberately
// small connection pool. Exactly as many creates succeed as there are VFs, the rest are refused
// with NO_VF_AVAILABLE, nothing answers 5xx, no VF is held twice, and deleting the VMs frees them all.
import type { RunningAgent } from "@virtfn/agent";
import {
  createApiKey,
  createProject,
  createUser,
  deleteVm,
  type Actor,
  type L3View,
} from "@virtfn/core";
import { createDb, type Db } from "@virtfn/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "../../worker/src/index";
import {
  createFixture,
  startInProcessWorker,
  waitForOperation,
  type Fixture,
} from "../../worker/test/helpers";
import { addSimHost } from "../../worker/test/sriov-helpers";
import {
  catalog,
  network,
  split,
  vfConsistency,
  type Catalog,
} from "../../worker/test/vms-helpers";
import { rest } from "./fixture";

const HOSTS = 4;
const VFS_PER_HOST = 9;
const KEYS = 8;
const CREATES_PER_KEY = 26;
const POOL = 3;

interface Key {
  projectId: string;
  token: string;
}

describe("200+ concurrent creates on a small pool", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let web: Db;
  let cat: Catalog;
  let l3: L3View;
  const agents: RunningAgent[] = [];
  const keys: Key[] = [];

  beforeAll(async () => {
    fx = await createFixture("placement-load");
    worker = await startInProcessWorker(fx.config);
    const hosts = await Promise.all(
      Array.from({ length: HOSTS }, (_, i) =>
        addSimHost(fx, agents, `load-${i}`, "kvm-i350-82599"),
      ),
    );
    await Promise.all(hosts.map((host) => split(fx, host, "p1p2", VFS_PER_HOST)));
    l3 = await network(fx, { name: "load", iface: "p1p2", cidr: "10.40.0.0/22", sriov: true });
    cat = await catalog(fx.db);
    for (let i = 0; i < KEYS; i += 1) {
      const project = await createProject(fx.db, fx.admin, { name: `load-project-${i}` });
      const user = await createUser(fx.db, fx.admin, {
        username: `load-tenant-${i}`,
        password: `password-load-${i}-0123456789`,
        role: "Tenant",
        projectIds: [project.id],
      });
      const actor: Actor = {
        userId: user.id,
        username: user.username,
        role: "Tenant",
        projectIds: [project.id],
      };
      const { token } = await createApiKey(fx.db, actor, {
        name: `load-key-${i}`,
        projectId: project.id,
      });
      keys.push({ projectId: project.id, token });
    }
    // The web side's own client, with a pool far smaller than the number of callers.
    web = createDb(fx.database.url, { max: POOL });
  }, 120_000);

  afterAll(async () => {
    await web?.$disconnect();
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it(`${KEYS * CREATES_PER_KEY} concurrent creates from ${KEYS} keys against ${HOSTS * VFS_PER_HOST} VFs on ${HOSTS} hosts, pool of ${POOL}: exactly one success per VF, the rest NO_VF_AVAILABLE, zero 5xx, all VFs free after deleting`, async () => {
    const vfs = HOSTS * VFS_PER_HOST;
    const answers = await Promise.all(
      keys.flatMap((key, k) =>
        Array.from({ length: CREATES_PER_KEY }, (_, i) =>
          rest(web, "POST", "/vms", {
            token: key.token,
            body: {
              projectId: key.projectId,
              name: `load-${k}-${i}`,
              offeringId: cat.offeringId,
              imageId: cat.imageId,
              nics: [{ l3Id: l3.id, sriov: true }],
            },
          }),
        ),
      ),
    );
    const statuses = new Map<number, number>();
    for (const answer of answers)
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    console.log(`[load] ${answers.length} creates answered: ${JSON.stringify([...statuses])}`);
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
    const created = answers.filter((answer) => answer.status === 202 || answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(created).toHaveLength(vfs);
    expect(refused).toHaveLength(answers.length - vfs);
    for (const answer of refused)
      expect(answer.body).toMatchObject({ code: "NO_VF_AVAILABLE", details: { l3: l3.name } });
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
    expect(await fx.db.virtualFunction.count({ where: { state: "Available" } })).toBe(0);
    // The creates spread: every host got some of them.
    const perHost = await fx.db.vm.groupBy({ by: ["hostId"], _count: true });
    expect(perHost).toHaveLength(HOSTS);

    const vms = await fx.db.vm.findMany({ select: { id: true } });
    for (const vm of vms) {
      const op = await fx.db.operation.findFirstOrThrow({
        where: { targetId: vm.id, kind: "vm.create" },
      });
      expect((await waitForOperation(fx.db, fx.admin, op.id)).status).toBe("Succeeded");
    }
    const deletes = await Promise.all(vms.map((vm) => deleteVm(fx.db, fx.admin, { vmId: vm.id })));
    for (const { operation } of deletes)
      expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    expect(await fx.db.virtualFunction.count({ where: { state: "Available" } })).toBe(vfs);
    expect(await fx.db.vmNic.count()).toBe(0);
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
  }, 600_000);
});
