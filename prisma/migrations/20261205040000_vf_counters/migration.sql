-- Per-VF traffic counters (issue 16): a bounded ring of samples per VF NIC, and each host's next
-- collection time (core/src/sriov/vf-counters.ts).
CREATE TABLE "VfCounterSample" (
    "nicId" UUID NOT NULL,
    "slot" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "vfId" UUID NOT NULL,
    "takenAt" TIMESTAMP(3) NOT NULL,
    "rxBytes" BIGINT NOT NULL,
    "rxPackets" BIGINT NOT NULL,
    "txBytes" BIGINT NOT NULL,
    "txPackets" BIGINT NOT NULL,
    "rxDropped" BIGINT,
    "txDropped" BIGINT,

    CONSTRAINT "VfCounterSample_pkey" PRIMARY KEY ("nicId","slot")
);

CREATE TABLE "VfCounterCollection" (
    "hostId" UUID NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VfCounterCollection_pkey" PRIMARY KEY ("hostId")
);

ALTER TABLE "VfCounterSample" ADD CONSTRAINT "VfCounterSample_nicId_fkey" FOREIGN KEY ("nicId") REFERENCES "VmNic"("id") ON DELETE CASCADE ON UPDATE CASCADE;
