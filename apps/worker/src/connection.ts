import { Redis } from "ioredis";

/** BullMQ workers need maxRetriesPerRequest: null so blocking commands are never cut short. */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}
