// The input schemas alone, for client components (forms validate with the server's own rules).
// Everything reachable from here is zod, Prisma's generated enums and pure helpers: no database,
// no Node built-ins, so a browser bundle stays small. schemas.test.ts walks the imports to keep
// it that way.
export * from "./shared/page-input";
export * from "./iam/schemas";
export * from "./catalog/schemas";
export * from "./inventory/schemas";
export * from "./hosts/schemas";
export * from "./networks/schemas";
export * from "./netservices/schemas";
export * from "./sriov/schemas";
export * from "./vms/schemas";
