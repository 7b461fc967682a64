export * from "./errors";
export * from "./routes";
export * from "./schemas/common";
export * from "./schemas/domain";
export * from "./schemas/fdb";
export * from "./schemas/host";
export * from "./schemas/nic";
export * from "./schemas/pci";
export * from "./schemas/snapshot";
export * from "./schemas/task";
export * from "./schemas/vf-port";
export * from "./schemas/vf-counters";
export {
  createAgentClient,
  type AgentClient,
  type AgentCallEvent,
  type AgentClientOptions,
  type SetVfCountAndWaitOptions,
} from "./client";
export { nodeHttpFetch, type AgentFetch } from "./http";
export { OPERATION_HEADER, RECONCILE_CLAIM_HEADER, type CallOptions } from "./transport";
