import { createLogger, lineLog } from "@virtfn/telemetry";
import { configFromEnv } from "./config";
import { startWorker } from "./worker";

// JSON lines on stdout; the worker's parts keep their `log(line, fields?)` and write through it.
const logger = createLogger({ service: "worker" });
const worker = await startWorker(configFromEnv(), lineLog(logger));
logger.info("ready");

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, `${signal}: finishing running jobs`);
  await worker.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
