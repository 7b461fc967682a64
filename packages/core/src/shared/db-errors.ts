import { Prisma } from "@virtfn/db";

/** True when Postgres refused a write because of a unique constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const prismaUnique =
    error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
  if (!prismaUnique) return false;
  if (!constraint) return true;
  // With driver adapters the constraint name travels in the message or the adapter metadata.
  return JSON.stringify({ message: error.message, meta: error.meta ?? null }).includes(constraint);
}
