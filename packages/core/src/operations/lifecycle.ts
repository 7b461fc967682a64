import type { Db, Operation, Prisma } from "@virtfn/db";

// Every transition is compare-and-set on the status, so a retried or duplicated job cannot
// move an operation that another attempt already finished. They run on every operation, so each
// is one plain SQL statement: Prisma's updateMany costs a read before the write, about three
// times the statement's own time (measured in bench/oppath.ts's run).

type Client = Db | Prisma.TransactionClient;

/** Pending → Running, or Running → Running for a retry after a crash. Null when already finished. */
export async function beginOperation(db: Db, id: string): Promise<Operation | null> {
  const [claimed] = await db.$queryRaw<Operation[]>`
    UPDATE "Operation"
       SET status = 'Running', attempts = attempts + 1, "startedAt" = now(), "updatedAt" = now()
     WHERE id = ${id}::uuid AND status IN ('Pending', 'Running')
    RETURNING *`;
  return claimed ?? null;
}

/** The Running operation a resumed job continues, or null when it has finished meanwhile. */
export async function resumeOperation(db: Db, id: string): Promise<Operation | null> {
  const [running] = await db.$queryRaw<Operation[]>`
    SELECT * FROM "Operation" WHERE id = ${id}::uuid AND status = 'Running'`;
  return running ?? null;
}

export async function reportProgress(
  db: Client,
  id: string,
  progress: number,
  message: string,
): Promise<void> {
  const bounded = Math.max(0, Math.min(100, Math.round(progress)));
  await db.$executeRaw`
    UPDATE "Operation" SET progress = ${bounded}, "progressMessage" = ${message}, "updatedAt" = now()
     WHERE id = ${id}::uuid AND status = 'Running'`;
}

export async function succeedOperation(
  db: Client,
  id: string,
  result: Prisma.InputJsonValue = {},
  message = "Done",
): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "Operation"
       SET status = 'Succeeded', progress = 100, "progressMessage" = ${message},
           result = ${JSON.stringify(result)}::jsonb, "finishedAt" = now(), "updatedAt" = now()
     WHERE id = ${id}::uuid AND status = 'Running'`;
  return count === 1;
}

export async function failOperation(
  db: Client,
  id: string,
  error: { code: string; message: string },
): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "Operation"
       SET status = 'Failed', "errorCode" = ${error.code}, "errorMessage" = ${error.message},
           "progressMessage" = 'Failed', "finishedAt" = now(), "updatedAt" = now()
     WHERE id = ${id}::uuid AND status IN ('Pending', 'Running')`;
  return count === 1;
}
