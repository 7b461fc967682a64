import { Redis } from "ioredis";
import type { RedisTarget } from "@virtfn/core";

/**
 * A connection to Redis, straight or through Sentinel (which then follows a failover to the new
 * master). BullMQ workers need maxRetriesPerRequest: null so blocking commands are never cut short.
 */
export function createRedis(target: string | RedisTarget): Redis {
  const options = { maxRetriesPerRequest: null, enableReadyCheck: true };
  if (typeof target === "string") return new Redis(target, options);
  if (target.kind === "url") return new Redis(target.url, options);
  const { kind: _kind, ...sentinel } = target;
  return new Redis({ ...sentinel, ...options });
}
