export { startWorker, type RunningWorker } from "./worker";
export { configFromEnv, type WorkerConfig } from "./config";
