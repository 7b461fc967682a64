import { AgentError, createAgentClient, type MigrateRequest } from "@virtfn/agent-client";
import { recordToSpec, type DomainRecord, type Hypervisor } from "../hypervisor/types";
import type { VirshHypervisor } from "../hypervisor/virsh";

/** Moves a domain that already passed the agent's checks; the source copy is gone afterwards. */
export interface Migrator {
  migrate(record: DomainRecord, request: MigrateRequest): Promise<void>;
}

/** Sim hosts share no hypervisor, so the source hands the definition to the target agent over HTTP. */
export function httpMigrator(hypervisor: Hypervisor): Migrator {
  return {
    async migrate(record, request) {
      const target = createAgentClient({
        baseUrl: request.targetBaseUrl,
        token: request.targetToken,
        retries: 0,
      });
      try {
        await target.acceptMigration(recordToSpec(record), record.state === "running");
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new AgentError(
          "MIGRATION_FAILED",
          `target ${request.targetBaseUrl} refused ${record.name}: ${reason}`,
          {
            details: error instanceof AgentError ? { targetCode: error.code } : {},
          },
        );
      }
      if (record.state === "running") await hypervisor.destroy(record.name);
      await hypervisor.undefine(record.name);
    },
  };
}

/** On a KVM host libvirt moves memory and config itself; the target is the agent URL's host. */
export function virshMigrator(virsh: VirshHypervisor): Migrator {
  return {
    async migrate(record, request) {
      await virsh.migrate(
        record.name,
        new URL(request.targetBaseUrl).hostname,
        request.live && record.state === "running",
      );
    },
  };
}
