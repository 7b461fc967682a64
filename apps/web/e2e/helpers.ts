import { expect, type APIRequestContext, type Page } from "@playwright/test";

export const ADMIN = { username: "admin", password: "demo-admin" } as const;

export async function login(page: Page, user: { username: string; password: string } = ADMIN) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; scripts/test.ts exports it for the e2e run`);
  return value;
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** The tRPC HTTP API, as the signed-in user of `request` (superjson: `{ json }` in and out). */
export function api(request: APIRequestContext) {
  const unwrap = async (response: Awaited<ReturnType<APIRequestContext["get"]>>, path: string) => {
    const body = (await response.json()) as {
      result?: { data: { json: unknown } };
      error?: { json: { message: string } };
    };
    if (!response.ok() || !body.result)
      throw new Error(`${path}: ${body.error?.json.message ?? response.status()}`);
    return body.result.data.json;
  };
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test glue over a JSON API
    query: async (path: string, input?: unknown): Promise<any> => {
      const query =
        input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
      return unwrap(await request.get(`/api/trpc/${path}${query}`), path);
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test glue over a JSON API
    mutate: async (path: string, input: unknown): Promise<any> =>
      unwrap(await request.post(`/api/trpc/${path}`, { data: { json: input } }), path),
  };
}

/**
 * As admin (`admin` = api(page.request) after login): `pfName` on `hostName` split into `count`
 * VFs unless it already is (it then stays split for the rest of the run). Returns the PF as
 * hosts.get shows it, and the split operation when this call started one.
 */
export async function ensureSplit(
  admin: ReturnType<typeof api>,
  hostName: string,
  pfName: string,
  count: number,
) {
  const hosts = await admin.query("hosts.list", { search: hostName });
  const host = hosts.items.find((h: { name: string }) => h.name === hostName);
  expect(host, `${hostName} is seeded`).toBeTruthy();
  const pfOf = async () =>
    (await admin.query("hosts.get", { hostId: host.id })).nics.find(
      (n: { name: string }) => n.name === pfName,
    );
  const pf = await pfOf();
  expect(pf, `${hostName} has ${pfName}`).toBeTruthy();
  let operationId: string | null = null;
  if (pf.numVfs === 0) {
    const { operation } = await admin.mutate("sriov.split", { pfId: pf.id, count });
    operationId = operation.id;
    await expect
      .poll(async () => (await admin.query("operations.get", { id: operation.id })).status, {
        timeout: 45_000,
      })
      .toBe("Succeeded");
  }
  await expect.poll(async () => (await pfOf()).vfTotal, { timeout: 20_000 }).toBeGreaterThan(0);
  return { host, pf: await pfOf(), operationId };
}

type Api = ReturnType<typeof api>;

/** The demo seed's zone-1, cluster-a, demo-project, `small` offering and `debian-12` image. */
export async function seeded(admin: Api) {
  const byName = (name: string) => (row: { name: string }) => row.name === name;
  const zone = (await admin.query("inventory.zones")).find(byName("zone-1"));
  const cluster = (await admin.query("inventory.clusters", { limit: 200 })).items.find(
    byName("cluster-a"),
  );
  const project = (await admin.query("iam.projects.list", {})).items.find(byName("demo-project"));
  const offering = (await admin.query("catalog.offerings")).find(byName("small"));
  const image = (await admin.query("catalog.images")).find(byName("debian-12"));
  return { zone, cluster, project, offering, image };
}

/**
 * As admin: a fresh L2 on `physicalInterface` in zone-1 for cluster-a and a Flat L3 on it (a random
 * /24). Names start with `prefix`. `sriov`: a Vlan L2 (a random VLAN) and L3 with SR-IOV enabled,
 * for VF NICs; `vnic`: a NoVlan L2 and L3 without, for virtio NICs over the host's bridge.
 */
export async function network(
  admin: Api,
  seed: Awaited<ReturnType<typeof seeded>>,
  prefix: string,
  physicalInterface: string,
  kind: "sriov" | "vnic",
) {
  const sriovEnabled = kind === "sriov";
  const l2 = await admin.mutate("networks.l2.create", {
    zoneId: seed.zone.id,
    name: unique(`${prefix}-l2`),
    ...(sriovEnabled
      ? { type: "Vlan", vlanId: 100 + Math.floor(Math.random() * 3900) }
      : { type: "NoVlan" }),
    physicalInterface,
    sriovEnabled,
    clusterIds: [seed.cluster.id],
  });
  const cidr = `10.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.0/24`;
  const l3 = await admin.mutate("networks.l3.create", {
    l2Id: l2.id,
    name: unique(`${prefix}-l3`),
    category: "Flat",
    sriovEnabled,
    ipRanges: [{ cidr }],
  });
  return { l2, l3 };
}

/** As admin: network(…, "sriov"), an SR-IOV Vlan L2 and L3 for VF NICs. */
export async function sriovNetwork(
  admin: Api,
  seed: Awaited<ReturnType<typeof seeded>>,
  prefix: string,
  physicalInterface: string,
) {
  return network(admin, seed, prefix, physicalInterface, "sriov");
}

/** As admin: a VM named `prefix`-… in demo-project (small, debian-12), one SR-IOV NIC on `l3Id` each. */
export async function createVfVm(
  admin: Api,
  seed: Awaited<ReturnType<typeof seeded>>,
  prefix: string,
  l3Id: string,
  vfNics: number,
) {
  const vmName = unique(prefix);
  const { vm } = await admin.mutate("vms.create", {
    projectId: seed.project.id,
    name: vmName,
    offeringId: seed.offering.id,
    imageId: seed.image.id,
    nics: Array.from({ length: vfNics }, () => ({ l3Id, sriov: true })),
  });
  return { vm: vm as { id: string }, vmName };
}
