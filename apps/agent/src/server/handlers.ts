import type { RouteName, Routes } from "@virtfn/agent-client";
import type { z } from "zod";
import type { HostAgent } from "../agent/host-agent";

export type HandlerInput<N extends RouteName> = {
  params: z.output<Routes[N]["params"]>;
  body: Routes[N]["body"] extends z.ZodType ? z.output<Routes[N]["body"]> : undefined;
};

export type Handlers = {
  [N in RouteName]: (input: HandlerInput<N>) => Promise<z.input<Routes[N]["response"]>>;
};

/** One line per endpoint: parsing and auth are generic, behaviour is HostAgent's. */
export function handlersFor(agent: HostAgent): Handlers {
  return {
    health: () => agent.health(),
    facts: () => agent.facts(),
    snapshot: () => agent.snapshot(),
    snapshotSince: ({ params }) => agent.snapshotSince(params.digest),
    setIommu: ({ body }) => agent.setIommuKernelArg(body.enabled),
    reboot: () => agent.reboot(),
    listNics: () => agent.listNics(),
    getNic: ({ params }) => agent.getNic(params.pci),
    listPciDevices: () => agent.listPciDevices(),
    setVfCount: ({ params, body }) =>
      agent.startSetVfCount(params.pci, body.count, body.operationId),
    unbindPfDriver: ({ params }) => agent.unbindPfDriver(params.pci),
    setVfPort: ({ params, body }) => agent.setVfPort(params.pci, body.settings),
    resetVf: ({ params }) => agent.resetVf(params.pci),
    vfCounters: () => agent.vfCounters(),
    getTask: async ({ params }) =>
      params.waitMs === undefined || params.waitMs === 0
        ? agent.getTask(params.id)
        : agent.waitForTask(params.id, params.waitMs, params.untilDone),
    listDomains: () => agent.listDomains(),
    defineDomain: ({ body }) => agent.defineDomain(body),
    getDomain: ({ params }) => agent.getDomain(params.name),
    startDomain: ({ params }) => agent.startDomain(params.name),
    stopDomain: ({ params }) => agent.stopDomain(params.name),
    destroyDomain: ({ params }) => agent.destroyDomain(params.name),
    undefineDomain: ({ params }) => agent.undefineDomain(params.name),
    attachVf: ({ params, body }) => agent.attachVf(params.name, body),
    detachVf: ({ params, body }) => agent.detachVf(params.name, body),
    attachVnic: ({ params, body }) => agent.attachVnic(params.name, body),
    detachVnic: ({ params, body }) => agent.detachVnic(params.name, body),
    migrateDomain: ({ params, body }) => agent.migrateDomain(params.name, body),
    injectFault: async ({ body }) => agent.injectFault(body),
    acceptMigration: ({ body }) => agent.acceptMigration(body.spec, body.start),
    listFdb: ({ params }) => agent.listFdb(params.pf),
    addFdb: ({ params }) => agent.addFdb(params.pf, params.mac),
    removeFdb: ({ params }) => agent.removeFdb(params.pf, params.mac),
  };
}
