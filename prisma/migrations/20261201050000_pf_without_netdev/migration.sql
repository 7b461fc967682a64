-- An SR-IOV PF is found by its PCI address. An NVMe controller has no netdev, so no name.
-- Postgres unique indexes treat NULLs as distinct, so (hostId, name) stays unique for named PFs.
ALTER TABLE "PhysicalNic" ALTER COLUMN "name" DROP NOT NULL;
