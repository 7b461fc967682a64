import { isAgentError, type AgentClient } from "@virtfn/agent-client";
import { z } from "zod";
import { Prisma, queryRows, type Db, type Host } from "@virtfn/db";
import type { OperationContext, OperationHandler } from "../runtime/context";
import { notFound } from "../shared/errors";
import { iommuReadiness } from "./rules";
import { readKnownPciDevices, syncPciDevices } from "../passthru/sync";
import { applyObservedHost, markHostDisconnected, readKnownPfs } from "./sync";

const connectInput = z.object({ scanIommu: z.boolean().default(false) });
const setIommuInput = z.object({ enabled: z.boolean() });

/** What a host operation reads of its host: how to reach the agent, and what it compares. */
export type HostToOperate = Pick<
  Host,
  "id" | "name" | "agentUrl" | "agentToken" | "iommuEnabled" | "bootId"
>;

/**
 * The host an operation targets, or null when it is gone. Every host operation starts here: one
 * plain statement through the pool's pg client (queryRows), since findUnique costs twice the
 * query and even Prisma's $queryRaw about as much CPU again as the statement. Only these columns:
 * they are text, uuid and boolean, which pg reads as Prisma does (its timestamps would not be).
 */
export async function hostToOperate(db: Db, hostId: string): Promise<HostToOperate | null> {
  const [host] = await queryRows(
    db,
    Prisma.sql`
    SELECT id, name, "agentUrl", "agentToken", "iommuEnabled", "bootId"
      FROM "Host" WHERE id = ${hostId}::uuid`,
  );
  return (host as HostToOperate | undefined) ?? null;
}

async function loadHost(db: Db, hostId: string): Promise<HostToOperate> {
  const host = await hostToOperate(db, hostId);
  if (!host) throw notFound("Host", hostId);
  return host;
}

/** A readable reason for the host page when the agent cannot be reached or refuses us. */
export function disconnectReason(host: Pick<Host, "agentUrl">, error: unknown): string {
  if (isAgentError(error)) {
    switch (error.code) {
      case "UNREACHABLE":
        return `Cannot reach the agent at ${host.agentUrl}: ${error.message}`;
      case "TIMEOUT":
        return `The agent at ${host.agentUrl} did not answer in time.`;
      case "UNAUTHORIZED":
        return `The agent at ${host.agentUrl} refused the token: check the host's agent token.`;
      default:
        return `The agent at ${host.agentUrl} failed: ${error.code} ${error.message}`;
    }
  }
  return `Unexpected error talking to ${host.agentUrl}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Reads health, facts and NICs from the agent and records them on the host. A caller that has
 * just asked for health passes it in, so the reconcile loop makes one health call, not two.
 */
export async function refreshHost(
  db: Db,
  host: Pick<Host, "id">,
  agent: AgentClient,
  knownHealth?: Awaited<ReturnType<AgentClient["health"]>>,
): Promise<void> {
  const [health, facts, nics, pciDevices] = await Promise.all([
    knownHealth ?? agent.health(),
    agent.getFacts(),
    agent.listPhysicalNics(),
    agent.listPciDevices(),
  ]);
  await applyObservedHost(db, host.id, { health, facts, nics });
  await syncPciDevices(db, host.id, pciDevices);
}

async function withConnection<T>(
  ctx: OperationContext,
  host: HostToOperate,
  work: (agent: AgentClient) => Promise<T>,
): Promise<T> {
  const agent = ctx.agentFor(host);
  try {
    return await work(agent);
  } catch (error) {
    if (isAgentError(error) && ["UNREACHABLE", "TIMEOUT", "UNAUTHORIZED"].includes(error.code)) {
      await markHostDisconnected(ctx.db, host.id, disconnectReason(host, error));
    }
    throw error;
  }
}

export const connectHost: OperationHandler = async (ctx, operation) => {
  const { scanIommu } = connectInput.parse(operation.input);
  const host = await loadHost(ctx.db, operation.targetId);
  return withConnection(ctx, host, async (agent) => {
    await ctx.progress(10, `Contacting the agent at ${host.agentUrl}`);
    // What is recorded is read while the agent answers, not after: two round trips off the path.
    // Marked handled here, so that an agent failure leaves no unhandled rejection behind.
    const known = readKnownPfs(ctx.db, host.id);
    const knownDevices = readKnownPciDevices(ctx.db, host.id);
    known.catch(() => undefined);
    knownDevices.catch(() => undefined);
    // Health, facts and NICs at once: one agent round trip, not three in a row.
    const [health, firstFacts, nics, pciDevices] = await Promise.all([
      agent.health(),
      agent.getFacts(),
      agent.listPhysicalNics(),
      agent.listPciDevices(),
    ]);
    let facts = firstFacts;
    if (scanIommu && host.iommuEnabled && !facts.iommu.kernelArgSet) {
      await ctx.progress(45, "Scanning IOMMU: adding the IOMMU kernel argument");
      await agent.setIommuKernelArg(true);
      facts = await agent.getFacts();
    }
    await ctx.progress(
      60,
      `Agent ${health.version} (${health.backend}) answered; recording ${nics.length} physical NICs`,
    );
    // What was recorded is what the agent reported: no reads back.
    await applyObservedHost(ctx.db, host.id, { health, facts, nics }, { known });
    await syncPciDevices(ctx.db, host.id, pciDevices, knownDevices);
    const iommu = iommuReadiness({
      iommuEnabled: host.iommuEnabled,
      iommuKernelArgSet: facts.iommu.kernelArgSet,
      iommuActive: facts.iommu.active,
      rebootRequired: facts.iommu.rebootRequired,
    });
    return { physicalNics: nics.length, iommu: iommu.state };
  });
};

export const setIommu: OperationHandler = async (ctx, operation) => {
  const { enabled } = setIommuInput.parse(operation.input);
  const host = await loadHost(ctx.db, operation.targetId);
  return withConnection(ctx, host, async (agent) => {
    await ctx.progress(30, `${enabled ? "Adding" : "Removing"} the IOMMU kernel argument`);
    const outcome = await agent.setIommuKernelArg(enabled);
    await refreshHost(ctx.db, host, agent);
    return { kernelArgSet: outcome.kernelArgSet, rebootRequired: outcome.rebootRequired };
  });
};

const REBOOT_WAIT_MS = 120_000;

export const rebootHost: OperationHandler = async (ctx, operation) => {
  const host = await loadHost(ctx.db, operation.targetId);
  return withConnection(ctx, host, async (agent) => {
    const before = await agent.health();
    // A retried job must not reboot twice: the boot id already moved on if the first try did.
    if (host.bootId && before.bootId !== host.bootId) {
      await refreshHost(ctx.db, host, agent, before);
      return { rebooted: true };
    }
    await ctx.progress(20, "Rebooting the host");
    await agent.reboot();
    const deadline = Date.now() + REBOOT_WAIT_MS;
    for (;;) {
      const health = await agent.health().catch(() => null);
      if (health && health.bootId !== before.bootId) break;
      if (Date.now() > deadline)
        throw new Error(`${host.name} did not come back within ${REBOOT_WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await ctx.progress(80, "Host is back; reading its state");
    await refreshHost(ctx.db, host, agent);
    return { rebooted: true };
  });
};
