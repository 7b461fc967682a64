import pg from "pg";

/** How many statements `read` sends to Postgres, over every pooled connection. */
export async function statementsOf(read: () => Promise<unknown>): Promise<number> {
  const query = pg.Client.prototype.query;
  let statements = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: Parameters<typeof query>) {
    statements++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await read();
  } finally {
    pg.Client.prototype.query = query;
  }
  return statements;
}
