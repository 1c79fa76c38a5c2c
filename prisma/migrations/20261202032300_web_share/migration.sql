-- CreateTable
CREATE TABLE "WebShare" (
    "nexusId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebShare_pkey" PRIMARY KEY ("nexusId")
);

-- CreateIndex
CREATE UNIQUE INDEX "WebShare_tokenHash_key" ON "WebShare"("tokenHash");

-- AddForeignKey
ALTER TABLE "WebShare" ADD CONSTRAINT "WebShare_nexusId_fkey" FOREIGN KEY ("nexusId") REFERENCES "Nexus"("id") ON DELETE CASCADE ON UPDATE CASCADE;
