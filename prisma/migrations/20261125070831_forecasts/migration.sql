-- CreateTable
CREATE TABLE "Forecast" (
    "id" BIGSERIAL NOT NULL,
    "nexusId" TEXT NOT NULL,
    "askedAt" TIMESTAMP(3) NOT NULL,
    "askedBy" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "question" JSONB NOT NULL,
    "answer" JSONB NOT NULL,

    CONSTRAINT "Forecast_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Forecast_nexusId_askedAt_idx" ON "Forecast"("nexusId", "askedAt");

-- AddForeignKey
ALTER TABLE "Forecast" ADD CONSTRAINT "Forecast_nexusId_fkey" FOREIGN KEY ("nexusId") REFERENCES "Nexus"("id") ON DELETE CASCADE ON UPDATE CASCADE;
