-- CreateEnum
CREATE TYPE "VfLinkState" AS ENUM ('auto', 'enable', 'disable');

-- AlterTable
ALTER TABLE "L2Network" ADD COLUMN     "vfAllowTrust" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "vfSpoofCheck" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "L3Network" ADD COLUMN     "vfAllowTrust" BOOLEAN,
ADD COLUMN     "vfSpoofCheck" BOOLEAN;

-- AlterTable
ALTER TABLE "VmNic" ADD COLUMN     "vfLinkState" "VfLinkState" NOT NULL DEFAULT 'auto',
ADD COLUMN     "vfQueryRss" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "vfTrust" BOOLEAN NOT NULL DEFAULT false;
