export {
  createDb,
  dbOptionsFromEnv,
  DB_DEFAULTS,
  listenDatabaseUrl,
  queryRows,
  throughPgBouncer,
} from "./client";
export type { Db, Tx, DbOrTx, CreateDbOptions } from "./client";
export { Prisma, PrismaClient } from "./generated/prisma/client";
export * from "./generated/prisma/enums";
export type * from "./generated/prisma/client";
export { migrateDeploy } from "./migrate";
