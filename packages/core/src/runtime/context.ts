import type { AgentClient } from "@virtfn/agent-client";
import type { Db, Operation } from "@virtfn/db";
import type { HandoffState } from "../operations/handoff";
import type { ProgressFigures } from "../operations/progress-figures";

/** The agent address and token of a host, as the worker needs them to call it. */
export interface AgentTarget {
  agentUrl: string;
  agentToken: string;
}

export interface AgentCallPolicy {
  waitOutOutages?: boolean;
}

/** What an operation handler gets from the worker: the database, agents and a progress sink. */
export interface OperationContext {
  db: Db;
  /**
   * `waitOutOutages`: idempotent calls keep retrying transient failures for the worker's outage
   * budget (an agent restart, a host reboot) before failing; for hosts known to exist.
   */
  agentFor(target: AgentTarget, policy?: AgentCallPolicy): AgentClient;
  /**
   * The percentage and a sentence for humans; `figures` when the operation is in a phase that
   * counts (VF changes of a split, PFs of a rollout): the UI reads those numbers, not the sentence.
   */
  progress(percent: number, message: string, figures?: ProgressFigures): Promise<void>;
  /** True on the job's last attempt: a failure now is final even if it looked transient. */
  isFinalAttempt: boolean;
  /** The state a handler handed over when it last waited for an agent task; null on a first run. */
  resumed: HandoffState | null;
}

export type OperationHandler = (
  ctx: OperationContext,
  operation: Operation,
) => Promise<OperationResult>;
export type OperationResult = Record<string, string | number | boolean | null>;
