-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Nexus" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "teams" TEXT[],
    "stages" JSONB NOT NULL,
    "startStage" TEXT NOT NULL,
    "finishStage" TEXT NOT NULL,
    "slePercentile" INTEGER NOT NULL DEFAULT 85,
    "sleDays" INTEGER,
    "historyDays" INTEGER NOT NULL DEFAULT 90,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "digestTime" TEXT NOT NULL DEFAULT '09:30',
    "digestDays" TEXT[],
    "digestEnabled" BOOLEAN NOT NULL DEFAULT true,
    "nitUserIds" TEXT[],
    "createdBy" TEXT NOT NULL,
    "nextPbiNumber" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Nexus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Pbi" (
    "id" TEXT NOT NULL,
    "nexusId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "url" TEXT,
    "stage" TEXT NOT NULL,
    "squares" JSONB NOT NULL,
    "blockedReason" TEXT,
    "blockedAt" TIMESTAMP(3),
    "discardedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "stageEnteredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "lastEventAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Pbi_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" BIGSERIAL NOT NULL,
    "nexusId" TEXT NOT NULL,
    "pbiKey" TEXT,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "source" TEXT NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Nexus_workspaceId_channelId_key" ON "Nexus"("workspaceId", "channelId");

-- CreateIndex
CREATE INDEX "Pbi_nexusId_finishedAt_idx" ON "Pbi"("nexusId", "finishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Pbi_nexusId_key_key" ON "Pbi"("nexusId", "key");

-- CreateIndex
CREATE INDEX "Event_nexusId_pbiKey_occurredAt_idx" ON "Event"("nexusId", "pbiKey", "occurredAt");

-- CreateIndex
CREATE INDEX "Event_nexusId_occurredAt_idx" ON "Event"("nexusId", "occurredAt");

-- AddForeignKey
ALTER TABLE "Pbi" ADD CONSTRAINT "Pbi_nexusId_fkey" FOREIGN KEY ("nexusId") REFERENCES "Nexus"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_nexusId_fkey" FOREIGN KEY ("nexusId") REFERENCES "Nexus"("id") ON DELETE CASCADE ON UPDATE CASCADE;
