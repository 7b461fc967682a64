import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client";

export type Db = PrismaClient;
/** The client handed to a callback of `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
/** Either a client or a transaction: services that compose accept both. */
export type DbOrTx = Db | Tx;

export interface CreateDbOptions {
  /** Pool size; the web app and the worker share one Postgres, so keep it modest. Default 10. */
  max?: number;
  /**
   * How long a query may wait for a pooled connection, including opening a new one. Default
   * 20000 ms. Without it a pool whose connections are all checked out waits for ever.
   */
  connectionTimeoutMs?: number;
  /** An idle connection beyond `min` is closed after this long. Default 30 000 ms. */
  idleTimeoutMs?: number;
  /**
   * Connections the pool keeps open however long they idle. A new one costs Postgres 25-80 ms
   * of CPU (the fork, then the catalog caches of virtfn's tables and indexes on its first
   * statements) before its statements run at full speed: a pool that drops its connections
   * between bursts pays that again at the start of every burst, when it hurts most. Default 0;
   * the web app and the worker keep their whole pool (dbOptionsFromEnv). At most `max`.
   */
  min?: number;
  /** `$transaction`'s maxWait: how long to wait to start a transaction. Default 2000 ms (Prisma's). */
  transactionMaxWaitMs?: number;
  /** `$transaction`'s timeout: one still open after this long is rolled back. Default 5000 ms (Prisma's). */
  transactionTimeoutMs?: number;
}

export const DB_DEFAULTS = {
  max: 10,
  // Waiting in the pool's queue counts against this too, and a burst on a small pool queues for
  // seconds without anything being wrong; a database that is down refuses at once instead.
  connectionTimeoutMs: 20_000,
  idleTimeoutMs: 30_000,
  min: 0,
  transactionMaxWaitMs: 2000,
  transactionTimeoutMs: 5000,
} satisfies Required<CreateDbOptions>;

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/**
 * Prisma 6.19's transaction manager sends COMMIT (or ROLLBACK) and only then calls the adapter's
 * commit()/rollback(), which is what returns the pg client to the pool. When that statement fails
 * (the server died mid-transaction) the client is never released: each such transaction leaks
 * one pooled connection for the life of the process, and once `max` have leaked every query
 * waits for ever. Upstream: prisma/orm#28468 ("fix hanging transactions", #17303), merged for
 * Prisma 7, releases the client in a `finally`; this does the same from the adapter's side until
 * the project can move past 6.19 (environment.md: Prisma 7's CLI does not work offline).
 */
function releaseOnFailedEnd(tx: Transaction): Transaction {
  const executeRaw = tx.executeRaw.bind(tx);
  tx.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (query.sql === "COMMIT" || query.sql === "ROLLBACK") {
        // rollback() only releases the client; pg-pool drops it if its connection is broken.
        await tx.rollback().catch(() => undefined);
      }
      throw error;
    }
  };
  return tx;
}

/**
 * One statement at a time on a transaction's connection. Prisma's query interpreter runs the parts
 * of one query plan with Promise.all (the relations of a `join`, the chunks of a `concat` or
 * `sum`); a caller's own Promise.all inside `$transaction` Prisma already queues. On the pool each
 * part takes a connection of its own; a transaction has one, and pg queues a second client.query()
 * on it, which pg 8.19+ warns is deprecated and pg 9 refuses. The statements ran one after the
 * other in the transaction all along (pg's queue), so nothing was wrong but the warning; this
 * keeps that order without pg's queue. Upstream: prisma/orm#29407, fixed the same way in the
 * adapter by prisma/orm#29979 (open, not in 6.19).
 */
function oneStatementAtATime(tx: Transaction): Transaction {
  let previous: Promise<unknown> = Promise.resolve();
  const inTurn =
    <R>(run: (query: Parameters<Transaction["queryRaw"]>[0]) => Promise<R>) =>
    (query: Parameters<Transaction["queryRaw"]>[0]): Promise<R> => {
      const turn = previous.then(() => run(query));
      // A failed statement passes the turn on: its caller sees the error, the next one runs.
      previous = turn.catch(() => undefined);
      return turn;
    };
  tx.queryRaw = inTurn(tx.queryRaw.bind(tx));
  tx.executeRaw = inTurn(tx.executeRaw.bind(tx));
  return tx;
}

class ReleasingPrismaPg extends PrismaPg {
  override async connect(): Promise<Adapter> {
    const adapter = await super.connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) =>
      oneStatementAtATime(releaseOnFailedEnd(await startTransaction(isolationLevel)));
    return adapter;
  }
}

/**
 * The pg pool under each client createDb made: queryRows sends hot statements through it, named
 * (prepared once per connection) unless the pool goes through PgBouncer.
 */
interface OwnedPool {
  pool: pg.Pool;
  named: boolean;
  transactionMaxWaitMs: number;
  transactionTimeoutMs: number;
}
const pools = new WeakMap<object, OwnedPool>();

// ---- PgBouncer in transaction mode ------------------------------------------------------------
// Prisma's own convention marks a URL that goes through PgBouncer: `?pgbouncer=true`. In
// transaction pooling each transaction may land on another server connection, so what lives in a
// session does not work through it: a named prepared statement (PgBouncer before 1.21, or without
// max_prepared_statements, does not carry it over) and LISTEN (notifications go to whichever
// server connection ran it, and nobody listens there once the transaction ends).

/** Whether `databaseUrl` says it goes through PgBouncer (`?pgbouncer=true`). */
export function throughPgBouncer(databaseUrl: string): boolean {
  try {
    return new URL(databaseUrl).searchParams.get("pgbouncer") === "true";
  } catch {
    return false;
  }
}

/** The URL for pg itself: the `pgbouncer` marker is ours, not a Postgres startup parameter. */
function withoutMarker(databaseUrl: string): string {
  if (!throughPgBouncer(databaseUrl)) return databaseUrl;
  const url = new URL(databaseUrl);
  url.searchParams.delete("pgbouncer");
  return url.toString();
}

/**
 * The connection a LISTEN may hold: VIRTFN_DB_DIRECT_URL (Postgres itself, past PgBouncer) when
 * set, else DATABASE_URL unless that goes through PgBouncer, else null (poll instead).
 */
export function listenDatabaseUrl(
  databaseUrl: string,
  env: Readonly<Record<string, string | undefined>>,
): string | null {
  const direct = env.VIRTFN_DB_DIRECT_URL?.trim();
  if (direct) return withoutMarker(direct);
  return throughPgBouncer(databaseUrl) ? null : databaseUrl;
}

/**
 * A statement's name, from its text. The hot statements are few and their texts repeat, so the
 * hash is taken once per text, not per call (it was about a tenth of a reservation's Node time).
 * Bounded: a caller that built texts with values inlined would otherwise grow it without end.
 */
const statementNames = new Map<string, string>();
const STATEMENT_NAMES_KEPT = 1000;
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `virtfn_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    if (statementNames.size >= STATEMENT_NAMES_KEPT) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Runs one raw statement and returns its rows (to be parsed by the caller). On a client from
 * createDb it goes straight to the client's own pg pool: the same connections and settings, but
 * without Prisma's per-statement cost (about ten times pg's own CPU), which dominates the hot
 * path of placement. In a transaction, or on any other client, it is Prisma's $queryRaw. Errors
 * from the pool are pg's: a SQLSTATE in `code`, and a pool wait that ran out is an Error whose
 * message says "timeout exceeded when trying to connect".
 */
export async function queryRows(db: SqlClient, query: Prisma.Sql): Promise<unknown[]> {
  if (db instanceof SqlTx) return (await db.run(query)).rows;
  const owned = pools.get(db);
  if (!owned) return db.$queryRaw<unknown[]>(query);
  return (await owned.pool.query<Record<string, unknown>>(pgQuery(owned.named, query))).rows;
}

/** Runs one statement that returns no rows, and answers how many rows it changed. */
export async function executeSql(db: SqlClient, query: Prisma.Sql): Promise<number> {
  if (db instanceof SqlTx) return (await db.run(query)).rowCount ?? 0;
  const owned = pools.get(db);
  if (!owned) return db.$executeRaw(query);
  return (await owned.pool.query(pgQuery(owned.named, query))).rowCount ?? 0;
}

/**
 * A statement as pg sends it. A named statement is parsed and planned once per connection, not
 * on every call: the hot statements are long, and their text repeats (only the values change).
 * Through PgBouncer the next call may meet a server connection that never saw it: unnamed there.
 */
function pgQuery(named: boolean, query: Prisma.Sql): pg.QueryConfig {
  return {
    ...(named ? { name: statementName(query.text) } : {}),
    text: query.text,
    values: query.values,
  };
}

/**
 * A transaction on one connection of a createDb client's pg pool (sqlTransaction). Its
 * statements go through queryRows and executeSql, named as the pool's are, with no Prisma in
 * between: Prisma's interactive transaction cost the worker and the web app several times pg's
 * own CPU per statement, and a fleet split makes a dozen statements per PF (issue 9).
 */
export class SqlTx {
  readonly #client: pg.PoolClient;
  readonly #named: boolean;
  #previous: Promise<unknown> = Promise.resolve();
  constructor(client: pg.PoolClient, named: boolean) {
    this.#client = client;
    this.#named = named;
  }
  /** One statement at a time on the connection, as oneStatementAtATime keeps Prisma's. */
  run(query: Prisma.Sql): Promise<pg.QueryResult<Record<string, unknown>>> {
    const turn = this.#previous.then(() =>
      this.#client.query<Record<string, unknown>>(pgQuery(this.#named, query)),
    );
    this.#previous = turn.catch(() => undefined);
    return turn;
  }
}

/** Where plain statements may run: a client, a Prisma transaction, or a SqlTx. */
export type SqlClient = DbOrTx | SqlTx;

/**
 * Runs `work` in one transaction whose statements are plain SQL (queryRows, executeSql). The
 * client's transaction settings hold as they do for `$transaction`: a connection that does not
 * come free within transactionMaxWaitMs is a start timeout (nothing ran; retryTransaction
 * repeats it), and a statement still running after transactionTimeoutMs is cancelled
 * (SQLSTATE 57014) and the transaction rolled back. A client not made by createDb runs it as a
 * Prisma transaction instead.
 */
export async function sqlTransaction<T>(db: Db, work: (tx: SqlClient) => Promise<T>): Promise<T> {
  const owned = pools.get(db);
  if (!owned) return db.$transaction((tx) => work(tx));
  const client = await checkout(owned.pool, owned.transactionMaxWaitMs);
  let broken: Error | undefined;
  try {
    // One round trip: the simple protocol takes both statements in one message.
    await client.query(
      `BEGIN; SET LOCAL statement_timeout = ${Math.trunc(owned.transactionTimeoutMs)}`,
    );
    const result = await work(new SqlTx(client, owned.named));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    // A connection that cannot even roll back is dropped from the pool, not reused.
    await client.query("ROLLBACK").catch((failed: unknown) => {
      broken = failed instanceof Error ? failed : new Error(String(failed));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * A pooled connection within `maxWaitMs`. Past it the error says what pg-pool's own says
 * ("timeout exceeded when trying to connect"), so that it is told apart the same way, and the
 * connection that comes later goes straight back to the pool.
 */
async function checkout(pool: pg.Pool, maxWaitMs: number): Promise<pg.PoolClient> {
  const connecting = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timeout exceeded when trying to connect (waited ${maxWaitMs} ms)`)),
      maxWaitMs,
    );
  });
  try {
    return await Promise.race([connecting, expired]);
  } catch (error) {
    void connecting.then(
      (late) => late.release(),
      () => undefined,
    );
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Db {
  const settings = { ...DB_DEFAULTS, ...options };
  const pool = new pg.Pool({
    connectionString: withoutMarker(databaseUrl),
    max: settings.max,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    min: Math.min(settings.min, settings.max),
    keepAlive: true,
  });
  // A checked-out client whose server goes away between queries emits 'error'; with no listener
  // that is an uncaught exception that kills the process. The next query on it fails anyway, and
  // pg-pool drops the broken client when it is released.
  pool.on("connect", (client) => client.on("error", () => undefined));
  pool.on("error", () => undefined);
  const adapter = new ReleasingPrismaPg(pool, { disposeExternalPool: true });
  const client = new PrismaClient({
    adapter,
    transactionOptions: {
      maxWait: settings.transactionMaxWaitMs,
      timeout: settings.transactionTimeoutMs,
    },
  });
  pools.set(client, {
    pool,
    named: !throughPgBouncer(databaseUrl),
    transactionMaxWaitMs: settings.transactionMaxWaitMs,
    transactionTimeoutMs: settings.transactionTimeoutMs,
  });
  return client;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, least: 0 | 1 = 1): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < least) {
    throw new Error(
      `${name} must be a ${least === 1 ? "positive" : "non-negative"} whole number, got "${raw}"`,
    );
  }
  return value;
}
const positiveInt = (env: NodeJS.ProcessEnv, name: string) => wholeNumber(env, name, 1);

/**
 * Pool and transaction settings from the environment (README, "Configuration"):
 * VIRTFN_DB_POOL_MAX, VIRTFN_DB_POOL_MIN, VIRTFN_DB_CONNECT_TIMEOUT_MS, VIRTFN_DB_IDLE_TIMEOUT_MS,
 * VIRTFN_DB_TX_MAX_WAIT_MS, VIRTFN_DB_TX_TIMEOUT_MS. Unset means `defaults`, then DB_DEFAULTS,
 * except VIRTFN_DB_POOL_MIN: a process configured from the environment keeps its whole pool.
 */
export function dbOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  defaults: CreateDbOptions = {},
): CreateDbOptions {
  const read: CreateDbOptions = {
    max: positiveInt(env, "VIRTFN_DB_POOL_MAX"),
    min: wholeNumber(env, "VIRTFN_DB_POOL_MIN", 0),
    connectionTimeoutMs: positiveInt(env, "VIRTFN_DB_CONNECT_TIMEOUT_MS"),
    idleTimeoutMs: positiveInt(env, "VIRTFN_DB_IDLE_TIMEOUT_MS"),
    transactionMaxWaitMs: positiveInt(env, "VIRTFN_DB_TX_MAX_WAIT_MS"),
    transactionTimeoutMs: positiveInt(env, "VIRTFN_DB_TX_TIMEOUT_MS"),
  };
  const set = Object.entries(read).filter(([, value]) => value !== undefined);
  const options: CreateDbOptions = { ...defaults, ...Object.fromEntries(set) };
  return { ...options, min: options.min ?? options.max ?? DB_DEFAULTS.max };
}
