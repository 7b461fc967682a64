export * from "./cache";
export * from "./logger";
export * from "./readiness";
export * from "./server";
export * from "./metrics/registry";
export * from "./metrics/worker";
export * from "./metrics/http";
export * from "./metrics/fleet";
export { Registry } from "prom-client";
