-- CreateIndex
CREATE INDEX "Pbi_nexusId_stage_stageEnteredAt_idx" ON "Pbi"("nexusId", "stage", "stageEnteredAt");
