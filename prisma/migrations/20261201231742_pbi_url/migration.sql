-- CreateIndex
CREATE INDEX "Pbi_url_idx" ON "Pbi"("url");
