import type { DbOrTx, Prisma } from "@virtfn/db";

/** Everything a VM handler needs to build the domain and talk to its host. */
export const vmWorkInclude = {
  host: true,
  offering: true,
  image: true,
  nics: {
    include: { vf: true, l3: { include: { l2: true } } },
    orderBy: { deviceIndex: "asc" },
  },
  pciDevices: {
    include: { held: { select: { pciAddress: true } } },
    orderBy: { createdAt: "asc" },
  },
} satisfies Prisma.VmInclude;

export type VmWork = Prisma.VmGetPayload<{ include: typeof vmWorkInclude }>;

export async function loadVmWork(db: DbOrTx, vmId: string): Promise<VmWork | null> {
  return db.vm.findUnique({ where: { id: vmId }, include: vmWorkInclude });
}
