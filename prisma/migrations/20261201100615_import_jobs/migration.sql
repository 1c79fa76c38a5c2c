-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "importId" BIGINT;

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" BIGSERIAL NOT NULL,
    "nexusId" TEXT NOT NULL,
    "running" TEXT,
    "kind" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "sealedToken" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "cursor" TEXT,
    "pagesRead" INTEGER NOT NULL DEFAULT 0,
    "itemsExpected" INTEGER,
    "itemsRead" INTEGER NOT NULL DEFAULT 0,
    "changesRead" INTEGER NOT NULL DEFAULT 0,
    "changesKnown" INTEGER NOT NULL DEFAULT 0,
    "skipped" JSONB NOT NULL DEFAULT '{}',
    "failure" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "retryAt" TIMESTAMP(3),
    "threadTs" TEXT,
    "startedBy" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ImportJob_running_key" ON "ImportJob"("running");

-- CreateIndex
CREATE INDEX "ImportJob_nexusId_id_idx" ON "ImportJob"("nexusId", "id");

-- CreateIndex
CREATE INDEX "Delivery_importId_state_idx" ON "Delivery"("importId", "state");

-- AddForeignKey
ALTER TABLE "ImportJob" ADD CONSTRAINT "ImportJob_nexusId_fkey" FOREIGN KEY ("nexusId") REFERENCES "Nexus"("id") ON DELETE CASCADE ON UPDATE CASCADE;
