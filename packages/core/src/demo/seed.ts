import type { Db } from "@virtfn/db";
import { hashPassword } from "../auth/passwords";
import { addHost } from "../hosts/commands";
import type { Actor } from "../shared/actor";

/** Demo logins. They are for the local demo only and are printed by `npm start`. */
export const DEMO_LOGINS = {
  admin: { username: "admin", password: "demo-admin" },
  tenant: { username: "tenant", password: "demo-tenant" },
  auditor: { username: "auditor", password: "demo-auditor" },
} as const;

export interface DemoAgent {
  name: string;
  url: string;
  token: string;
  cluster: "cluster-a" | "cluster-b";
  scanIommu: boolean;
}

async function upsertUser(
  db: Db,
  login: { username: string; password: string },
  role: "Admin" | "Tenant" | "Auditor",
  displayName: string,
) {
  const existing = await db.user.findUnique({ where: { username: login.username } });
  if (existing) return existing;
  return db.user.create({
    data: {
      username: login.username,
      displayName,
      role,
      passwordHash: await hashPassword(login.password),
    },
  });
}

/** Idempotent: a second `npm start` finds everything in place and adds nothing. */
export async function seedDemo(db: Db, agents: DemoAgent[]): Promise<{ hostsAdded: number }> {
  const zone = await db.zone.upsert({
    where: { name: "zone-1" },
    create: { name: "zone-1", description: "Demo zone" },
    update: {},
  });
  const clusters = new Map<string, string>();
  for (const name of ["cluster-a", "cluster-b"] as const) {
    const cluster = await db.cluster.upsert({
      where: { zoneId_name: { zoneId: zone.id, name } },
      create: { zoneId: zone.id, name },
      update: {},
    });
    clusters.set(name, cluster.id);
  }
  const admin = await upsertUser(db, DEMO_LOGINS.admin, "Admin", "Demo Admin");
  const tenant = await upsertUser(db, DEMO_LOGINS.tenant, "Tenant", "Demo Tenant");
  await upsertUser(db, DEMO_LOGINS.auditor, "Auditor", "Demo Auditor");
  const project = await db.project.upsert({
    where: { name: "demo-project" },
    create: { name: "demo-project", description: "The demo tenant's project" },
    update: {},
  });
  await db.membership.upsert({
    where: { userId_projectId: { userId: tenant.id, projectId: project.id } },
    create: { userId: tenant.id, projectId: project.id },
    update: {},
  });
  for (const offering of [
    { name: "small", vcpus: 1, memoryMiB: 1024 },
    { name: "medium", vcpus: 2, memoryMiB: 4096 },
    { name: "large", vcpus: 8, memoryMiB: 16384 },
  ]) {
    await db.instanceOffering.upsert({
      where: { name: offering.name },
      create: offering,
      update: {},
    });
  }
  for (const image of [
    { name: "debian-12", sizeGiB: 2 },
    { name: "ubuntu-24.04", sizeGiB: 3 },
  ]) {
    await db.image.upsert({ where: { name: image.name }, create: image, update: {} });
  }

  const adminActor: Actor = {
    userId: admin.id,
    username: admin.username,
    role: "Admin",
    projectIds: [],
  };
  let hostsAdded = 0;
  for (const agent of agents) {
    const exists = await db.host.findUnique({ where: { name: agent.name } });
    if (exists) {
      // Each demo host has its own token (derived per host), and its agent's port follows the
      // start's port block: keep older data folders in step with both.
      if (exists.agentToken !== agent.token || exists.agentUrl !== agent.url)
        await db.host.update({
          where: { id: exists.id },
          data: { agentToken: agent.token, agentUrl: agent.url },
        });
      continue;
    }
    const clusterId = clusters.get(agent.cluster);
    if (!clusterId) continue;
    await addHost(db, adminActor, {
      name: agent.name,
      clusterId,
      agentUrl: agent.url,
      agentToken: agent.token,
      scanIommu: agent.scanIommu,
    });
    hostsAdded++;
  }
  return { hostsAdded };
}
