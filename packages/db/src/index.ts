export {
  createDb,
  dbOptionsFromEnv,
  DB_DEFAULTS,
  listenDatabaseUrl,
  executeSql,
  queryRows,
  sqlTransaction,
  SqlTx,
  throughPgBouncer,
} from "./client";
export type { Db, Tx, DbOrTx, SqlClient, CreateDbOptions } from "./client";
export { Prisma, PrismaClient } from "./generated/prisma/client";
export * from "./generated/prisma/enums";
export type * from "./generated/prisma/client";
export { migrateDeploy } from "./migrate";
