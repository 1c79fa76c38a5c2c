-- CreateTable
CREATE TABLE "DigestRun" (
    "nexusId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "postedAt" TIMESTAMP(3),

    CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("nexusId","date")
);

-- AddForeignKey
ALTER TABLE "DigestRun" ADD CONSTRAINT "DigestRun_nexusId_fkey" FOREIGN KEY ("nexusId") REFERENCES "Nexus"("id") ON DELETE CASCADE ON UPDATE CASCADE;
