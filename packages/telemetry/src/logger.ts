// Structured logs: one JSON object per line on stdout, with the service name and whatever ids the
// caller binds (requestId, operationId, host). Pretty, human output only when asked for
// (VIRTFN_LOG_PRETTY=1, which `npm start` sets when it runs in a terminal).
import { pino, stdTimeFunctions, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger } from "pino";

export interface LoggerOptions {
  /** Goes on every line as `service`. */
  service: string;
  level?: string;
  pretty?: boolean;
  /** Tests: where the lines go instead of stdout. */
  destination?: NodeJS.WritableStream;
}

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? process.env.VIRTFN_LOG_LEVEL ?? "info";
  const config = {
    level: LEVELS.has(level) ? level : "info",
    base: { service: options.service },
    timestamp: stdTimeFunctions.isoTime,
    // "level":"info" rather than 30: readable without a lookup table, and what log stacks expect.
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: ["authorization", "token", "password", "*.authorization", "*.token"] },
  };
  const wantsPretty = options.pretty ?? process.env.VIRTFN_LOG_PRETTY === "1";
  if (options.destination) return pino(config, options.destination);
  if (wantsPretty)
    return pino(config, pretty({ sync: true, ignore: "pid,hostname,service", singleLine: true }));
  return pino(config);
}

/** Extra structured fields of a log line: ids to search by (operationId, host, kind …). */
export type LogFields = Record<string, unknown>;

/** The `log(line, fields?)` shape the worker's parts are handed; lines go to `logger` at info. */
export type LineLog = (line: string, fields?: LogFields) => void;

export function lineLog(logger: Logger): LineLog {
  return (line, fields) => {
    if (fields) logger.info(fields, line);
    else logger.info(line);
  };
}
