import type { Db, Image, InstanceOffering } from "@virtfn/db";
import { recordAudit } from "../operations/audit";
import { requireAdmin, type Actor } from "../shared/actor";
import { isUniqueViolation } from "../shared/db-errors";
import { alreadyExists, DomainError, ErrorCode, notFound } from "../shared/errors";
import { rowCounts } from "../shared/row-counts";
import {
  createImageInput,
  createOfferingInput,
  imageIdInput,
  offeringIdInput,
  type CreateImageInput,
  type CreateOfferingInput,
  type ImageIdInput,
  type OfferingIdInput,
} from "./schemas";

export type OfferingView = InstanceOffering & { vmCount: number };
export type ImageView = Image & { vmCount: number };

/** Everyone who creates VMs reads the catalog. */
export async function listOfferings(db: Db, _actor: Actor): Promise<OfferingView[]> {
  const rows = await db.instanceOffering.findMany({
    orderBy: [{ vcpus: "asc" }, { memoryMiB: "asc" }, { name: "asc" }],
  });
  // From the database's running counts: an offering may hold every VM of the fleet.
  const counts = await rowCounts(
    db,
    "Vm.offeringId",
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({ ...row, vmCount: counts.get(row.id) ?? 0 }));
}

export async function listImages(db: Db, _actor: Actor): Promise<ImageView[]> {
  const rows = await db.image.findMany({ orderBy: { name: "asc" } });
  const counts = await rowCounts(
    db,
    "Vm.imageId",
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({ ...row, vmCount: counts.get(row.id) ?? 0 }));
}

export async function createOffering(
  db: Db,
  actor: Actor,
  rawInput: CreateOfferingInput,
): Promise<InstanceOffering> {
  requireAdmin(actor, "manage instance offerings");
  const input = createOfferingInput.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.instanceOffering.create({ data: input });
      await recordAudit(tx, actor, {
        action: "offering.create",
        targetType: "InstanceOffering",
        targetId: row.id,
        outcome: "Success",
        details: input,
      });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists("instance offering", "name", input.name);
    throw error;
  }
}

function inUse(what: string, name: string, vms: number): DomainError {
  return new DomainError(
    ErrorCode.CATALOG_IN_USE,
    "CONFLICT",
    `${what} ${name} is used by ${vms} VM(s); delete them first.`,
    { name, vms },
  );
}

/** Refused while any VM uses it; the row lock keeps a concurrent create from slipping in. */
export async function deleteOffering(
  db: Db,
  actor: Actor,
  rawInput: OfferingIdInput,
): Promise<void> {
  requireAdmin(actor, "manage instance offerings");
  const { offeringId } = offeringIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "InstanceOffering" WHERE id = ${offeringId}::uuid FOR UPDATE`;
    const row = await tx.instanceOffering.findUnique({
      where: { id: offeringId },
      include: { _count: { select: { vms: true } } },
    });
    if (!row) throw notFound("Instance offering", offeringId);
    if (row._count.vms > 0) throw inUse("Instance offering", row.name, row._count.vms);
    await tx.instanceOffering.delete({ where: { id: offeringId } });
    await recordAudit(tx, actor, {
      action: "offering.delete",
      targetType: "InstanceOffering",
      targetId: offeringId,
      outcome: "Success",
      details: { name: row.name },
    });
  });
}

export async function createImage(
  db: Db,
  actor: Actor,
  rawInput: CreateImageInput,
): Promise<Image> {
  requireAdmin(actor, "manage images");
  const input = createImageInput.parse(rawInput);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.image.create({ data: input });
      await recordAudit(tx, actor, {
        action: "image.create",
        targetType: "Image",
        targetId: row.id,
        outcome: "Success",
        details: input,
      });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists("image", "name", input.name);
    throw error;
  }
}

export async function deleteImage(db: Db, actor: Actor, rawInput: ImageIdInput): Promise<void> {
  requireAdmin(actor, "manage images");
  const { imageId } = imageIdInput.parse(rawInput);
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Image" WHERE id = ${imageId}::uuid FOR UPDATE`;
    const row = await tx.image.findUnique({
      where: { id: imageId },
      include: { _count: { select: { vms: true } } },
    });
    if (!row) throw notFound("Image", imageId);
    if (row._count.vms > 0) throw inUse("Image", row.name, row._count.vms);
    await tx.image.delete({ where: { id: imageId } });
    await recordAudit(tx, actor, {
      action: "image.delete",
      targetType: "Image",
      targetId: imageId,
      outcome: "Success",
      details: { name: row.name },
    });
  });
}
