import { Prisma, queryRows, type Db, type Operation } from "@virtfn/db";
import { boundedPercent } from "./progress";
import { progressFigures, type ProgressFigures } from "./progress-figures";

// Every transition is compare-and-set on the status, so a retried or duplicated job cannot
// move an operation that another attempt already finished. They run on every operation, so each
// is one plain SQL statement sent through the pool's pg client (queryRows): Prisma's updateMany
// costs a read before the write, and even its $queryRaw costs about as much CPU again as the
// statement itself (measured in bench/oppath.ts's run).

type Client = Db | Prisma.TransactionClient;

/**
 * The Operation row as Prisma returns it. Its timestamps are `timestamp(3)` holding UTC, which
 * pg alone would read in the process's local time zone: they are handed over as timestamptz.
 * Also the answer of a statement that writes an operation (create.ts), read through queryRows.
 */
export const OPERATION_ROW = Prisma.sql`
  id, kind, status, "targetType", "targetId", "targetName", "projectId", "requesterId", input,
  result, progress, "progressMessage", "progressPhase", "progressDone", "progressTotal", "errorCode", "errorMessage", attempts, "idempotencyKey",
  "createdAt" AT TIME ZONE 'UTC' AS "createdAt", "startedAt" AT TIME ZONE 'UTC' AS "startedAt",
  "finishedAt" AT TIME ZONE 'UTC' AS "finishedAt", "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt"`;

async function operationOrNull(db: Client, query: Prisma.Sql): Promise<Operation | null> {
  const [row] = await queryRows(db, query);
  // The columns are the table's own, named as Prisma names them (OPERATION_ROW).
  return (row as Operation | undefined) ?? null;
}

async function changed(db: Client, query: Prisma.Sql): Promise<boolean> {
  return (await queryRows(db, query)).length === 1;
}

/** Pending → Running, or Running → Running for a retry after a crash. Null when already finished. */
export async function beginOperation(db: Db, id: string): Promise<Operation | null> {
  return operationOrNull(
    db,
    Prisma.sql`
    UPDATE "Operation"
       SET status = 'Running', attempts = attempts + 1, "startedAt" = now(), "updatedAt" = now()
     WHERE id = ${id}::uuid AND status IN ('Pending', 'Running')
    RETURNING ${OPERATION_ROW}`,
  );
}

/** The Running operation a resumed job continues, or null when it has finished meanwhile. */
export async function resumeOperation(db: Db, id: string): Promise<Operation | null> {
  return operationOrNull(
    db,
    Prisma.sql`SELECT ${OPERATION_ROW} FROM "Operation" WHERE id = ${id}::uuid AND status = 'Running'`,
  );
}

/**
 * Writes a Running operation's progress: the percentage and sentence, and the phase with its
 * counts as data (operations/progress.ts). `figures` null clears them (the operation left the
 * phase that counted); undefined keeps them (a retry note says nothing about the phase).
 */
export async function reportProgress(
  db: Client,
  id: string,
  progress: number,
  message: string,
  figures?: ProgressFigures | null,
): Promise<void> {
  await reportProgressMany(db, [
    { id, percent: progress, message, ...(figures === undefined ? {} : { figures }) },
  ]);
}

/**
 * One operation's progress for reportProgressMany: `figures` null clears the phase, undefined keeps
 * it.
 */
export interface ProgressWrite {
  id: string;
  percent: number;
  message: string;
  figures?: ProgressFigures | null;
}

/**
 * Writes the progress of many Running operations in one statement: a worker watching a fleet
 * split's tasks collects what they reported in a short interval and writes it together, instead
 * of one statement per operation per step (issue 9). The latest write of an operation wins; each
 * row is what reportProgress would write for it.
 */
export async function reportProgressMany(db: Client, writes: ProgressWrite[]): Promise<void> {
  if (writes.length === 0) return;
  // One row per operation: an UPDATE joined to two rows of one operation applies either.
  const latest = [...new Map(writes.map((write) => [write.id, write])).values()];
  const rows = latest.map((write) => ({
    ...write,
    data: write.figures ? progressFigures.parse(write.figures) : null,
  }));
  await queryRows(
    db,
    Prisma.sql`
    UPDATE "Operation" AS o
       SET progress = w.percent, "progressMessage" = w.message, "updatedAt" = now(),
           "progressPhase" = CASE WHEN w.keep THEN o."progressPhase" ELSE w.phase END,
           "progressDone" = CASE WHEN w.keep THEN o."progressDone" ELSE w.done END,
           "progressTotal" = CASE WHEN w.keep THEN o."progressTotal" ELSE w.total END
      FROM unnest(${rows.map((row) => row.id)}::uuid[],
                  ${rows.map((row) => boundedPercent(row.percent))}::int[],
                  ${rows.map((row) => row.message)}::text[],
                  ${rows.map((row) => row.figures === undefined)}::boolean[],
                  ${rows.map((row) => row.data?.phase ?? null)}::text[],
                  ${rows.map((row) => row.data?.done ?? null)}::int[],
                  ${rows.map((row) => row.data?.total ?? null)}::int[])
           AS w(id, percent, message, keep, phase, done, total)
     WHERE o.id = w.id AND o.status = 'Running'`,
  );
}

export async function succeedOperation(
  db: Client,
  id: string,
  result: Prisma.InputJsonValue = {},
  message = "Done",
): Promise<boolean> {
  return changed(
    db,
    Prisma.sql`
    UPDATE "Operation"
       SET status = 'Succeeded', progress = 100, "progressMessage" = ${message},
           -- A phase that counted ends complete.
           "progressDone" = "progressTotal",
           result = ${JSON.stringify(result)}::jsonb, "finishedAt" = now(), "updatedAt" = now()
     WHERE id = ${id}::uuid AND status = 'Running'
    RETURNING id`,
  );
}

export async function failOperation(
  db: Client,
  id: string,
  error: { code: string; message: string },
): Promise<boolean> {
  return changed(
    db,
    Prisma.sql`
    UPDATE "Operation"
       SET status = 'Failed', "errorCode" = ${error.code}, "errorMessage" = ${error.message},
           "progressMessage" = 'Failed', "finishedAt" = now(), "updatedAt" = now()
     WHERE id = ${id}::uuid AND status IN ('Pending', 'Running')
    RETURNING id`,
  );
}
