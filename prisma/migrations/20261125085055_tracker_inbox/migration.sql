-- CreateTable
CREATE TABLE "TrackerConnection" (
    "nexusId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sealedSecret" TEXT NOT NULL,
    "statusMap" JSONB NOT NULL DEFAULT '{}',
    "teamMap" JSONB NOT NULL DEFAULT '{}',
    "reportedStatuses" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL,
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "TrackerConnection_pkey" PRIMARY KEY ("nexusId","kind")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" BIGSERIAL NOT NULL,
    "nexusId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "change" JSONB,
    "body" TEXT,
    "state" TEXT NOT NULL,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "retryAt" TIMESTAMP(3),
    "appliedAt" TIMESTAMP(3),

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Delivery_state_nexusId_id_idx" ON "Delivery"("state", "nexusId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_nexusId_kind_deliveryId_key" ON "Delivery"("nexusId", "kind", "deliveryId");

-- AddForeignKey
ALTER TABLE "TrackerConnection" ADD CONSTRAINT "TrackerConnection_nexusId_fkey" FOREIGN KEY ("nexusId") REFERENCES "Nexus"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_nexusId_fkey" FOREIGN KEY ("nexusId") REFERENCES "Nexus"("id") ON DELETE CASCADE ON UPDATE CASCADE;
