-- CreateTable
CREATE TABLE "TrackerNotice" (
    "id" BIGSERIAL NOT NULL,
    "nexusId" TEXT NOT NULL,
    "news" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "claimedUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TrackerNotice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TrackerNotice_nexusId_id_idx" ON "TrackerNotice"("nexusId", "id");

-- AddForeignKey
ALTER TABLE "TrackerNotice" ADD CONSTRAINT "TrackerNotice_nexusId_fkey" FOREIGN KEY ("nexusId") REFERENCES "Nexus"("id") ON DELETE CASCADE ON UPDATE CASCADE;
