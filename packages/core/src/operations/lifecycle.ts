import type { Db, Operation, Prisma } from "@virtfn/db";

// Every transition is compare-and-set on the status, so a retried or duplicated job cannot
// move an operation that another attempt already finished.

/** Pending → Running, or Running → Running for a retry after a crash. Null when already finished. */
export async function beginOperation(db: Db, id: string): Promise<Operation | null> {
  const claimed = await db.operation.updateManyAndReturn({
    where: { id, status: { in: ["Pending", "Running"] } },
    data: { status: "Running", attempts: { increment: 1 }, startedAt: new Date() },
  });
  return claimed[0] ?? null;
}

/** The Running operation a resumed job continues, or null when it has finished meanwhile. */
export async function resumeOperation(db: Db, id: string): Promise<Operation | null> {
  return db.operation.findFirst({ where: { id, status: "Running" } });
}

export async function reportProgress(
  db: Db,
  id: string,
  progress: number,
  message: string,
): Promise<void> {
  const bounded = Math.max(0, Math.min(100, Math.round(progress)));
  await db.operation.updateMany({
    where: { id, status: "Running" },
    data: { progress: bounded, progressMessage: message },
  });
}

export async function succeedOperation(
  db: Db | Prisma.TransactionClient,
  id: string,
  result: Prisma.InputJsonValue = {},
  message = "Done",
): Promise<boolean> {
  const { count } = await db.operation.updateMany({
    where: { id, status: "Running" },
    data: {
      status: "Succeeded",
      progress: 100,
      progressMessage: message,
      result,
      finishedAt: new Date(),
    },
  });
  return count === 1;
}

export async function failOperation(
  db: Db | Prisma.TransactionClient,
  id: string,
  error: { code: string; message: string },
): Promise<boolean> {
  const { count } = await db.operation.updateMany({
    where: { id, status: { in: ["Pending", "Running"] } },
    data: {
      status: "Failed",
      errorCode: error.code,
      errorMessage: error.message,
      progressMessage: "Failed",
      finishedAt: new Date(),
    },
  });
  return count === 1;
}
