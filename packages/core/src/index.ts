// The domain: rules as pure functions, services as use cases over the database. Routes and
// workers call these and nothing else touches Prisma.
export * from "./shared/errors";
export * from "./shared/actor";
export * from "./shared/pagination";
export * from "./auth/passwords";
export * from "./auth/sessions";
export * from "./operations/kinds";
export * from "./operations/create";
export * from "./operations/lifecycle";
export * from "./operations/queries";
export * from "./operations/audit";
export * from "./hosts/rules";
export * from "./hosts/schemas";
export * from "./hosts/commands";
export * from "./hosts/queries";
export * from "./hosts/sync";
export * from "./inventory/queries";
export * from "./demo/seed";
export * from "./runtime/context";
export * from "./runtime/failures";
export { operationHandlers } from "./operations/handlers";
export { disconnectReason, refreshHost } from "./hosts/operations";
export * from "./hosts/reconcile";
