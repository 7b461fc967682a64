// The deployment files, checked without Docker, a cluster or kustomize: every Kubernetes resource
// that each overlay builds is validated against the Kubernetes schemas (kubernetes-models; the
// ServiceMonitor against the Prometheus Operator's), the kustomization lists match the files on
// disk, the objects refer to each other consistently, and the compose file and Dockerfiles have
// the shape the README promises.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { repoRoot } from "./lib/paths";

type Json = Record<string, unknown>;
interface Resource extends Json {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

const k8s = path.join(repoRoot, "deploy", "k8s");

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function readDocs(file: string): Resource[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return doc.toJS() as unknown;
    })
    .filter((doc): doc is Resource => isObject(doc));
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  labels?: Array<{ pairs: Record<string, string> }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  replicas?: Array<{ name: string; count: number }>;
  patches?: Array<{ path?: string; patch?: string; target?: { kind: string; name: string } }>;
}

function readKustomization(dir: string): Kustomization {
  return parse(readFileSync(path.join(dir, "kustomization.yaml"), "utf8")) as Kustomization;
}

/** Maps merge key by key; anything else (lists included) is replaced, as kustomize does for data. */
function merge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = merge(base[key], value);
  return out;
}

/** The JSON Patch operations the overlays use (add, replace) on a JSON Pointer path. */
function applyJsonPatch(target: Json, ops: Array<{ op: string; path: string; value: unknown }>) {
  for (const { op, path: pointer, value } of ops) {
    const keys = pointer.split("/").slice(1);
    const last = keys.pop();
    let node: unknown = target;
    for (const key of keys) {
      node = Array.isArray(node) ? node[Number(key)] : isObject(node) ? node[key] : undefined;
      if (node === undefined) throw new Error(`${op} ${pointer}: ${key} does not exist`);
    }
    if (last === undefined || (!isObject(node) && !Array.isArray(node)))
      throw new Error(`${op} ${pointer}: no parent`);
    if (op === "replace" && !(last in node)) throw new Error(`replace ${pointer}: nothing there`);
    if (op !== "replace" && op !== "add") throw new Error(`unsupported op ${op}`);
    (node as Json)[last] = value;
  }
}

const podSpecOf = (resource: Resource): Json | undefined => {
  const spec = resource.spec as Json | undefined;
  const template = spec?.template as Json | undefined;
  return template?.spec as Json | undefined;
};
const containersOf = (resource: Resource): Json[] =>
  (podSpecOf(resource)?.containers as Json[] | undefined) ?? [];

/** What `kustomize build dir` gives for the features these kustomizations use. */
function build(dir: string): Resource[] {
  const k = readKustomization(dir);
  let resources: Resource[] = [];
  for (const entry of k.resources ?? []) {
    const full = path.join(dir, entry);
    resources.push(...(statSync(full).isDirectory() ? build(full) : readDocs(full)));
  }
  const find = (kind: string, name: string) => {
    const found = resources.find((r) => r.kind === kind && r.metadata.name === name);
    if (!found) throw new Error(`${dir}: no ${kind} ${name} to patch`);
    return found;
  };
  for (const patch of k.patches ?? []) {
    if (patch.path) {
      for (const doc of readDocs(path.join(dir, patch.path))) {
        const target = find(doc.kind, doc.metadata.name);
        resources = resources.map((r) => (r === target ? (merge(r, doc) as Resource) : r));
      }
    } else if (patch.target && patch.patch) {
      const ops = parse(patch.patch) as Array<{ op: string; path: string; value: unknown }>;
      applyJsonPatch(find(patch.target.kind, patch.target.name), ops);
    }
  }
  for (const { name, count } of k.replicas ?? [])
    (find("Deployment", name).spec as Json).replicas = count;
  for (const resource of resources) {
    for (const { pairs } of k.labels ?? [])
      resource.metadata.labels = { ...resource.metadata.labels, ...pairs };
    if (k.namespace && resource.kind !== "Namespace") resource.metadata.namespace = k.namespace;
    for (const container of containersOf(resource)) {
      const [name, tag] = String(container.image).split(":");
      const image = k.images?.find((i) => i.name === name);
      if (image) container.image = `${image.newName ?? name}:${image.newTag ?? tag ?? "latest"}`;
    }
  }
  return resources;
}

type Model = new (data: unknown) => { validate(): void };
async function modelFor(resource: Resource): Promise<Model> {
  const module =
    resource.apiVersion === "monitoring.coreos.com/v1"
      ? ((await import(
          `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${resource.kind}`
        )) as Record<string, Model>)
      : ((await import(`kubernetes-models/${resource.apiVersion}/${resource.kind}`)) as Record<
          string,
          Model
        >);
  const model = module[resource.kind];
  if (!model) throw new Error(`no model for ${resource.apiVersion} ${resource.kind}`);
  return model;
}

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels[key] === value);

const podLabels = (resource: Resource): Record<string, string> =>
  ((resource.spec as Json).template as { metadata: { labels: Record<string, string> } }).metadata
    .labels;

const kustomizationDirs = ["base", "overlays/dev", "overlays/production"];

describe("Kubernetes manifests", () => {
  it("list every file of their folder, and only files that exist", () => {
    for (const dir of kustomizationDirs) {
      const full = path.join(k8s, dir);
      const k = readKustomization(full);
      const listed = new Set([
        ...(k.resources ?? []),
        ...(k.patches ?? []).flatMap((p) => (p.path ? [p.path] : [])),
      ]);
      for (const entry of listed)
        expect(existsSync(path.join(full, entry)), `${dir}/${entry}`).toBe(true);
      const files = readdirSync(full).filter(
        (file) => /\.ya?ml$/.test(file) && file !== "kustomization.yaml",
      );
      for (const file of files) expect(listed, `${dir}/${file} is not listed`).toContain(file);
    }
    // Every folder with manifests is a kustomization the others reach.
    expect(readdirSync(path.join(k8s, "overlays")).sort()).toEqual(["dev", "production"]);
  });

  for (const dir of kustomizationDirs) {
    it(`${dir}: every resource it builds is valid against its schema`, async () => {
      const resources = build(path.join(k8s, dir));
      expect(resources.length).toBeGreaterThan(10);
      for (const resource of resources) {
        const Model = await modelFor(resource);
        expect(
          () => new Model(resource).validate(),
          `${resource.kind} ${resource.metadata.name}`,
        ).not.toThrow();
      }
    });

    it(`${dir}: selectors, ports and config references meet their targets`, () => {
      const resources = build(path.join(k8s, dir));
      const of = (kind: string) => resources.filter((r) => r.kind === kind);
      const deployments = of("Deployment");
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual([
        "virtfn-web",
        "virtfn-worker",
      ]);
      const names = (kind: string) => new Set(of(kind).map((r) => r.metadata.name));
      for (const workload of [...deployments, ...of("Job")]) {
        if (workload.kind === "Deployment") {
          const matchLabels = ((workload.spec as Json).selector as Json).matchLabels as Record<
            string,
            string
          >;
          expect(selects(matchLabels, podLabels(workload))).toBe(true);
        }
        const pod = podSpecOf(workload) ?? {};
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
        for (const container of containersOf(workload)) {
          expect(container.securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          });
          expect(container.resources).toMatchObject({
            requests: {},
            limits: { memory: expect.any(String) as unknown },
          });
          const ports = new Set(((container.ports as Json[] | undefined) ?? []).map((p) => p.name));
          for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
            const httpGet = (container[probe] as Json | undefined)?.httpGet as Json | undefined;
            if (workload.kind === "Deployment" && probe !== "startupProbe")
              expect(httpGet, `${workload.metadata.name} ${probe}`).toBeDefined();
            if (httpGet) expect(ports).toContain(httpGet.port);
          }
          for (const from of (container.envFrom as Json[] | undefined) ?? []) {
            const ref = (from.configMapRef ?? from.secretRef) as { name: string };
            expect(names(from.configMapRef ? "ConfigMap" : "Secret")).toContain(ref.name);
          }
          for (const env of (container.env as Json[] | undefined) ?? []) {
            const ref = (env.valueFrom as Json | undefined)?.secretKeyRef as
              { name: string; key: string } | undefined;
            if (!ref) continue;
            const secret = of("Secret").find((s) => s.metadata.name === ref.name);
            expect(Object.keys((secret?.stringData as Json | undefined) ?? {})).toContain(ref.key);
          }
        }
      }
      for (const pdb of of("PodDisruptionBudget")) {
        const matchLabels = ((pdb.spec as Json).selector as Json).matchLabels as Record<
          string,
          string
        >;
        expect(
          deployments.some((d) => selects(matchLabels, podLabels(d))),
          pdb.metadata.name,
        ).toBe(true);
      }
      const services = of("Service");
      for (const service of services) {
        const selector = (service.spec as Json).selector as Record<string, string>;
        const target = deployments.find((d) => selects(selector, podLabels(d)));
        expect(target, service.metadata.name).toBeDefined();
        const ports = containersOf(target as Resource).flatMap((c) =>
          (c.ports as Json[]).map((p) => p.name),
        );
        for (const port of (service.spec as { ports: Json[] }).ports)
          expect(ports).toContain(port.targetPort);
      }
      const monitors = of("ServiceMonitor");
      expect(monitors.length).toBe(2);
      for (const monitor of monitors) {
        const spec = monitor.spec as {
          selector: { matchLabels: Record<string, string> };
          endpoints: Json[];
        };
        const service = services.find((s) =>
          selects(spec.selector.matchLabels, s.metadata.labels ?? {}),
        );
        expect(service, monitor.metadata.name).toBeDefined();
        const portNames = ((service as Resource).spec as { ports: Json[] }).ports.map(
          (p) => p.name,
        );
        for (const endpoint of spec.endpoints) expect(portNames).toContain(endpoint.port);
      }
      // Placeholders only: a real secret never lands in the repository.
      for (const secret of of("Secret"))
        for (const value of Object.values((secret.stringData as Record<string, string>) ?? {}))
          expect(value).toMatch(/CHANGE-ME|redis:\/\/redis:6379/);
      const job = of("Job")[0] as Resource;
      expect(containersOf(job)[0]?.command).toEqual(["npm", "run", "db:migrate"]);
    });
  }

  it("production runs several web and worker pods from pinned images, dev one of each", () => {
    const replicas = (dir: string) =>
      Object.fromEntries(
        build(path.join(k8s, dir))
          .filter((r) => r.kind === "Deployment")
          .map((d) => [d.metadata.name, (d.spec as { replicas: number }).replicas]),
      );
    expect(replicas("overlays/dev")).toEqual({ "virtfn-web": 1, "virtfn-worker": 1 });
    const production = replicas("overlays/production");
    expect(production["virtfn-web"]).toBeGreaterThanOrEqual(2);
    expect(production["virtfn-worker"]).toBeGreaterThanOrEqual(2);
    for (const resource of build(path.join(k8s, "overlays/production"))) {
      for (const container of containersOf(resource))
        expect(String(container.image)).toMatch(/:\d+\.\d+\.\d+$/);
      if (resource.kind !== "Namespace") expect(resource.metadata.namespace).toBe("virtfn");
    }
  });
});

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

describe("docker-compose.yml", () => {
  const compose = parse(readFileSync(path.join(repoRoot, "docker-compose.yml"), "utf8"), {
    merge: true,
  }) as { services: Record<string, ComposeService> };
  const services = compose.services;

  it("runs one service per process", () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        "postgres",
        "redis",
        "migrate",
        "web-1",
        "web-2",
        "worker-1",
        "worker-2",
        "agent-1",
        "agent-2",
        "agent-3",
      ].sort(),
    );
    for (const service of Object.values(services))
      expect(service.command?.[0]).not.toBe("npm start");
    expect(services.migrate?.command).toEqual(["npm", "run", "db:migrate"]);
  });

  it("checks the health of every long-running service and starts apps after the migration", () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === "migrate") {
        expect(service.restart).toBe("no");
        expect(service.depends_on?.postgres?.condition).toBe("service_healthy");
        continue;
      }
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
    }
    for (const name of ["web-1", "web-2", "worker-1", "worker-2"]) {
      expect(services[name]?.depends_on).toEqual({
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
        migrate: { condition: "service_completed_successfully" },
      });
    }
  });

  it("builds each app from its own multi-stage Dockerfile that runs as a non-root user", () => {
    const dockerfiles = new Set(
      Object.values(services).flatMap((s) => (s.build ? [s.build.dockerfile] : [])),
    );
    expect([...dockerfiles].sort()).toEqual([
      "apps/agent/Dockerfile",
      "apps/web/Dockerfile",
      "apps/worker/Dockerfile",
    ]);
    for (const file of dockerfiles) {
      const text = readFileSync(path.join(repoRoot, file), "utf8");
      const stages = text.split(/^FROM /m).slice(1);
      expect(stages.length, file).toBeGreaterThanOrEqual(2);
      const final = stages.at(-1) ?? "";
      expect(final, file).toMatch(/^USER node$/m);
      expect(final, file).toMatch(/^CMD \[/m);
      expect(final, file).toMatch(/^HEALTHCHECK /m);
    }
  });
});
