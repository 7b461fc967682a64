// Two projects with a tenant and an API key each, a sim host with a split PF, an SR-IOV network,
// and (in project A) a running VM with a VF NIC and a vNIC, a security group and QoS. Built with
// the worker's test helpers: core services, an in-process worker and a sim agent.
import type { RunningAgent } from "@virtfn/agent";
import {
  addSecurityGroupMember,
  addSecurityGroupRule,
  createApiKey,
  createProject,
  createSecurityGroup,
  createUser,
  getVm,
  setNicQos,
  type Actor,
  type L3View,
} from "@virtfn/core";
import type { Db } from "@virtfn/db";
import type { RunningWorker } from "../../worker/src/index";
import {
  createFixture,
  startInProcessWorker,
  waitForOperation,
  type Fixture,
} from "../../worker/test/helpers";
import { addSimHost, pfNamed, type SimHost } from "../../worker/test/sriov-helpers";
import { catalog, network, runningVm, split, type Catalog } from "../../worker/test/vms-helpers";
import { handleRest } from "../src/server/rest/handler";
import { createCaller } from "../src/server/root";
import { createContext } from "../src/server/trpc";

export interface Tenant {
  actor: Actor;
  projectId: string;
  projectName: string;
  token: string;
  apiKeyId: string;
}

export interface WebFixture {
  fx: Fixture;
  db: Db;
  worker: RunningWorker;
  host: SimHost;
  pfId: string;
  l3: L3View;
  cat: Catalog;
  a: Tenant;
  b: Tenant;
  auditor: Actor;
  vmA: { id: string; name: string; vfNicId: string; vnicId: string };
  securityGroupA: { id: string; name: string; ruleId: string };
  cleanup(): Promise<void>;
}

async function tenant(fx: Fixture, tag: string, suffix: string): Promise<Tenant> {
  const project = await createProject(fx.db, fx.admin, { name: `project-${tag}-${suffix}` });
  const user = await createUser(fx.db, fx.admin, {
    username: `tenant-${tag}-${suffix}`,
    password: `password-${tag}-0123456789`,
    role: "Tenant",
    projectIds: [project.id],
  });
  const actor: Actor = {
    userId: user.id,
    username: user.username,
    role: "Tenant",
    projectIds: [project.id],
  };
  const { apiKey, token } = await createApiKey(fx.db, actor, {
    name: `key-${tag}-${suffix}`,
    projectId: project.id,
  });
  return { actor, projectId: project.id, projectName: project.name, token, apiKeyId: apiKey.id };
}

export async function createWebFixture(label: string): Promise<WebFixture> {
  const fx = await createFixture(label);
  const worker = await startInProcessWorker(fx.config);
  const agents: RunningAgent[] = [];
  const host = await addSimHost(fx, agents, "kvm-a", "kvm-i350-82599");
  await split(fx, host, "em1", 4);
  const pf = await pfNamed(fx.db, host.hostId, "em1");
  const l3 = await network(fx, { name: "flat", iface: "em1", cidr: "10.30.0.0/24", sriov: true });
  const cat = await catalog(fx.db);
  const suffix = Math.random().toString(36).slice(2, 8);
  const a = await tenant(fx, "a", suffix);
  const b = await tenant(fx, "b", suffix);
  const auditorRow = await fx.db.user.findUniqueOrThrow({ where: { username: "auditor" } });
  const auditor: Actor = {
    userId: auditorRow.id,
    username: "auditor",
    role: "Auditor",
    projectIds: [],
  };

  const vmName = `secret-vm-a-${suffix}`;
  const vm = await runningVm(fx, a.actor, { ...cat, projectId: a.projectId }, vmName, [
    { l3Id: l3.id, sriov: true },
    { l3Id: l3.id, sriov: false, isDefault: true },
  ]);
  const detail = await getVm(fx.db, a.actor, { vmId: vm.id });
  const vfNic = detail.nics.find((nic) => nic.type === "VF");
  const vnic = detail.nics.find((nic) => nic.type === "VNIC");
  if (!vfNic || !vnic) throw new Error("the VM should have a VF NIC and a vNIC");
  const sgName = `secret-sg-a-${suffix}`;
  const sg = await createSecurityGroup(fx.db, a.actor, { projectId: a.projectId, name: sgName });
  const rule = await addSecurityGroupRule(fx.db, a.actor, {
    securityGroupId: sg.id,
    direction: "ingress",
    protocol: "tcp",
    portStart: 22,
    portEnd: 22,
  });
  await addSecurityGroupMember(fx.db, a.actor, { securityGroupId: sg.id, nicId: vnic.id });
  await setNicQos(fx.db, a.actor, { nicId: vnic.id, inboundKbps: 10_000 });

  return {
    fx,
    db: fx.db,
    worker,
    host,
    pfId: pf.id,
    l3,
    cat,
    a,
    b,
    auditor,
    vmA: { id: vm.id, name: vmName, vfNicId: vfNic.id, vnicId: vnic.id },
    securityGroupA: { id: sg.id, name: sgName, ruleId: (rule as { id: string }).id },
    cleanup: async () => {
      await worker.close();
      await Promise.all(agents.map((agent) => agent.close()));
      await fx.cleanup();
    },
  };
}

export { waitForOperation };

/** A tRPC caller authenticated like an HTTP request with these headers. */
export async function callerWith(db: Db, headers: Record<string, string>) {
  return createCaller(
    await createContext({ headers: new Headers(headers), resHeaders: new Headers(), db }),
  );
}

export interface RestAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** One REST call through the real route handler (no HTTP server needed). */
export async function rest(
  db: Db,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RestAnswer> {
  const url = new URL(`http://127.0.0.1:3000/api/v1${path}`);
  const headers = new Headers(options.headers ?? {});
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  if (options.body !== undefined) headers.set("content-type", "application/json");
  const request = new Request(url, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const segments = url.pathname
    .replace(/^\/api\/v1\//, "")
    .split("/")
    .filter(Boolean);
  const response = await handleRest(request, segments, { db });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}
