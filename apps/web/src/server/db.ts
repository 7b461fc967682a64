import { createDb, dbOptionsFromEnv, type Db } from "@virtfn/db";

// One Prisma client per server process. Dev HMR re-evaluates modules, so the instance lives on
// globalThis; it is created on first use so that `next build` never needs a database. Pool size
// and timeouts come from VIRTFN_DB_* (see dbOptionsFromEnv), with bounded defaults, so that a
// database outage gives quick errors instead of requests that wait for ever.
const globalForDb = globalThis as unknown as { virtfnDb?: Db };

export function getDb(): Db {
  if (!globalForDb.virtfnDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    globalForDb.virtfnDb = createDb(url, dbOptionsFromEnv(process.env, { max: 10 }));
  }
  return globalForDb.virtfnDb;
}
