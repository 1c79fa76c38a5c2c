-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "bodyDigest" TEXT;

-- CreateTable
CREATE TABLE "SeenRequest" (
    "key" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SeenRequest_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SeenRequest_expiresAt_idx" ON "SeenRequest"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_nexusId_kind_bodyDigest_key" ON "Delivery"("nexusId", "kind", "bodyDigest");
