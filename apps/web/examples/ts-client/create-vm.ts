// A typed virtfn client in a few lines: types generated from the OpenAPI document with
// openapi-typescript, requests made with openapi-fetch.
//
//   npx openapi-typescript http://127.0.0.1:3000/api/v1/openapi.json -o virtfn-api.d.ts
//   VIRTFN_URL=http://127.0.0.1:3000 VIRTFN_KEY=vfn_… npx tsx create-vm.ts
import createClient from "openapi-fetch";
import type { paths } from "./virtfn-api";

const client = createClient<paths>({
  baseUrl: process.env.VIRTFN_URL ?? "http://127.0.0.1:3000",
  headers: { Authorization: `Bearer ${process.env.VIRTFN_KEY ?? ""}` },
});

async function main() {
  const me = await client.GET("/api/v1/me");
  if (!me.data) throw new Error(`who am I: ${JSON.stringify(me.error)}`);
  const projectId = me.data.projectIds[0];
  if (!projectId) throw new Error("this key belongs to no project");

  // Offerings, images, and the L3 networks with their SR-IOV availability for this project.
  // Every list answers { items, nextCursor, total }; the bodies are typed from the document.
  const [offerings, images, options] = await Promise.all([
    client.GET("/api/v1/offerings"),
    client.GET("/api/v1/images"),
    client.GET("/api/v1/projects/{projectId}/vm-create-options", {
      params: { path: { projectId } },
    }),
  ]);
  const offering = offerings.data?.items[0];
  const image = images.data?.items[0];
  const l3 = options.data?.items.find((option) => option.sriov.allowed);
  if (!offering || !image || !l3) throw new Error("no offering, image or L3 network with free VFs");
  console.log(`${offering.name} (${offering.vcpus} vCPUs), ${image.name}, ${l3.name}`);

  const created = await client.POST("/api/v1/vms", {
    params: { query: { wait: 60 }, header: { "Idempotency-Key": `create-ts-vm-${projectId}` } },
    body: {
      projectId,
      name: "ts-client-vm",
      offeringId: offering.id,
      imageId: image.id,
      nics: [{ l3Id: l3.l3Id, sriov: true }],
    },
  });
  if (created.error) throw new Error(`${created.error.code}: ${created.error.message}`);
  const operation = created.data.operation;
  console.log(`vm.create ${operation.id}: ${operation.status} (VM ${created.data.vm.id})`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
