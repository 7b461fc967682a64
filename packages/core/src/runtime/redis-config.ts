// How every process reaches Redis, from the environment (README, "Configuration"): a plain
// REDIS_URL, or Redis Sentinel (VIRTFN_REDIS_SENTINELS, VIRTFN_REDIS_SENTINEL_NAME), with the
// URL's password and database number still applying to the master. On Redis Cluster, BullMQ needs
// all of a queue's keys in one slot: VIRTFN_REDIS_CLUSTER wraps the queue prefix in a hash tag.
import { z } from "zod";

/** What ioredis takes as its one argument: a URL, or options naming the sentinels. */
export type RedisTarget =
  | { kind: "url"; url: string }
  | {
      kind: "sentinel";
      sentinels: Array<{ host: string; port: number }>;
      /** The master's name as the sentinels know it. */
      name: string;
      password?: string;
      username?: string;
      db?: number;
    };

const sentinelList = z
  .string()
  .trim()
  .transform((raw, ctx) =>
    raw
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "")
      .map((entry) => {
        const match = /^(.+):(\d{1,5})$/.exec(entry);
        if (!match) {
          ctx.addIssue({ code: "custom", message: `"${entry}" is not host:port` });
          return { host: entry, port: 0 };
        }
        return { host: (match[1] ?? "").replace(/^\[(.*)\]$/, "$1"), port: Number(match[2]) };
      }),
  );

const RedisEnv = z.object({
  REDIS_URL: z.string().min(1, "REDIS_URL is required"),
  VIRTFN_REDIS_SENTINELS: sentinelList.optional(),
  VIRTFN_REDIS_SENTINEL_NAME: z.string().min(1).default("mymaster"),
});

export function redisTargetFromEnv(env: NodeJS.ProcessEnv = process.env): RedisTarget {
  const parsed = RedisEnv.parse(env);
  const sentinels = parsed.VIRTFN_REDIS_SENTINELS ?? [];
  if (sentinels.length === 0) return { kind: "url", url: parsed.REDIS_URL };
  const url = new URL(parsed.REDIS_URL);
  const db = url.pathname.replace(/^\//, "");
  return {
    kind: "sentinel",
    sentinels,
    name: parsed.VIRTFN_REDIS_SENTINEL_NAME,
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(/^\d+$/.test(db) ? { db: Number(db) } : {}),
  };
}

const truthy = (value: string | undefined) =>
  value !== undefined && ["1", "true", "yes"].includes(value.trim().toLowerCase());

/**
 * The BullMQ key prefix: VIRTFN_QUEUE_PREFIX (default "virtfn"), as a hash tag (`{virtfn}`) when
 * VIRTFN_REDIS_CLUSTER is set, so that each queue's keys land in one cluster slot.
 */
export function queuePrefixFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const prefix = env.VIRTFN_QUEUE_PREFIX?.trim() || "virtfn";
  if (!truthy(env.VIRTFN_REDIS_CLUSTER) || /^\{[^}]+\}$/.test(prefix)) return prefix;
  return `{${prefix}}`;
}
