import type { Db, DbOrTx } from "@virtfn/db";

/**
 * Set (to true) on a client that adds its own write to every transaction it runs: the REST API's
 * Idempotency-Key handle stores the request's answer in the same commit as the request's change.
 */
export const ADDS_TO_EACH_COMMIT = Symbol.for("virtfn.addsToEachCommit");

/**
 * Runs a command whose whole change is one statement. Alone, the statement is its own
 * transaction: one round trip instead of BEGIN, the statement and COMMIT through Prisma's
 * interactive transaction. On a client that adds to each commit it runs inside `$transaction`,
 * so that what the client adds still commits with the change.
 */
export async function runOneStatement<T>(db: Db, run: (db: DbOrTx) => Promise<T>): Promise<T> {
  if ((Reflect.get(db, ADDS_TO_EACH_COMMIT) as unknown) === true)
    return db.$transaction((tx) => run(tx));
  return run(db);
}
