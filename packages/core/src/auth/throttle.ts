// Login throttling, in Redis through rate-limiter-flexible so that every web replica sees the
// same counts. Three counters of failed logins, each with its own block:
// - per account and client: after FREE_PER_CLIENT consecutive failures, a block that doubles with
//   each further failure (1 s, 2 s, 4 s, …) up to 5 minutes; a success resets it. Another client
//   (when a trusted proxy tells clients apart) is not affected.
// - per account, from any client: after FREE_PER_ACCOUNT failures in 15 minutes, a block that
//   doubles up to ACCOUNT_BLOCK_CAP_S only, so that an attacker can slow a distributed guess down
//   without locking the real user out for long.
// - per client (only when its address is known): after FREE_PER_CLIENT_ANY failures in an hour, a
//   15-minute block, against password spraying across accounts.
// Blocks are audited as `auth.lockout`.
import type { Db } from "@virtfn/db";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type IRateLimiterOptions,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { recordAuditFailure } from "../audit/events";
import { DomainError, ErrorCode } from "../shared/errors";

export const FREE_PER_CLIENT = 5;
export const USER_CLIENT_BLOCK_CAP_S = 300;
export const FREE_PER_ACCOUNT = 30;
export const ACCOUNT_BLOCK_CAP_S = 60;
export const FREE_PER_CLIENT_ANY = 100;
export const CLIENT_BLOCK_S = 900;

export interface LoginThrottleOptions {
  /** An ioredis client; without one the counts live in this process only. */
  storeClient?: unknown;
  keyPrefix: string;
}

type Scope = "account+client" | "account" | "client";

export class LoginThrottle {
  private readonly fails: Record<Scope, RateLimiterAbstract>;
  private readonly blocks: RateLimiterAbstract;

  constructor(options: LoginThrottleOptions) {
    const make = (name: string, duration: number): RateLimiterAbstract => {
      const base: IRateLimiterOptions = {
        keyPrefix: `${options.keyPrefix}:${name}`,
        points: 1_000_000,
        duration,
      };
      return options.storeClient
        ? new RateLimiterRedis({
            ...base,
            storeClient: options.storeClient,
            insuranceLimiter: new RateLimiterMemory(base),
          })
        : new RateLimiterMemory(base);
    };
    this.fails = {
      "account+client": make("fail-uc", 24 * 3600),
      account: make("fail-u", 15 * 60),
      client: make("fail-c", 3600),
    };
    const blockBase: IRateLimiterOptions = {
      keyPrefix: `${options.keyPrefix}:block`,
      points: 1,
      duration: 1,
    };
    this.blocks = options.storeClient
      ? new RateLimiterRedis({
          ...blockBase,
          storeClient: options.storeClient,
          insuranceLimiter: new RateLimiterMemory(blockBase),
        })
      : new RateLimiterMemory(blockBase);
  }

  private keys(username: string, client: string | undefined): Array<[Scope, string]> {
    const keys: Array<[Scope, string]> = [
      ["account+client", `${username}\n${client ?? "*"}`],
      ["account", username],
    ];
    if (client) keys.push(["client", client]);
    return keys;
  }

  /** Refuses (LOGIN_THROTTLED, with retryAfterSeconds) while any of the caller's blocks lasts. */
  async check(username: string, client: string | undefined): Promise<void> {
    let waitMs = 0;
    for (const [scope, key] of this.keys(username, client)) {
      const res = await this.blocks.get(`${scope}\n${key}`);
      if (res && res.consumedPoints > 1) waitMs = Math.max(waitMs, res.msBeforeNext);
    }
    if (waitMs > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new DomainError(
        ErrorCode.LOGIN_THROTTLED,
        "TOO_MANY_REQUESTS",
        `Too many failed sign-ins; try again in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
  }

  /** Counts a failure; starts (and audits) a block when a counter passes its free allowance. */
  async failed(db: Db, username: string, client: string | undefined): Promise<void> {
    for (const [scope, key] of this.keys(username, client)) {
      const { consumedPoints: failures } = await this.fails[scope].penalty(key, 1);
      const seconds = blockSeconds(scope, failures);
      if (seconds <= 0) continue;
      await this.blocks.block(`${scope}\n${key}`, seconds);
      await recordAuditFailure(db, null, {
        action: "auth.lockout",
        outcome: "Denied",
        errorCode: ErrorCode.LOGIN_THROTTLED,
        message: `${failures} failed sign-ins (${scope}): blocked for ${seconds} s.`,
        sourceIp: client ?? null,
        claimedName: username.slice(0, 64),
        targetType: "User",
        targetId: null,
        projectId: null,
        details: { scope, failures, seconds },
      });
    }
  }

  /** A success clears this client's consecutive failures on the account (not the others'). */
  async succeeded(username: string, client: string | undefined): Promise<void> {
    const key = `${username}\n${client ?? "*"}`;
    await this.fails["account+client"].delete(key);
    await this.blocks.delete(`account+client\n${key}`);
  }
}

/** How long a counter at `failures` blocks for; 0 while within the free allowance. */
export function blockSeconds(scope: Scope, failures: number): number {
  if (scope === "account+client") {
    return failures > FREE_PER_CLIENT
      ? Math.min(2 ** (failures - FREE_PER_CLIENT - 1), USER_CLIENT_BLOCK_CAP_S)
      : 0;
  }
  if (scope === "account") {
    return failures > FREE_PER_ACCOUNT
      ? Math.min(2 ** (failures - FREE_PER_ACCOUNT - 1), ACCOUNT_BLOCK_CAP_S)
      : 0;
  }
  return failures > FREE_PER_CLIENT_ANY ? CLIENT_BLOCK_S : 0;
}
