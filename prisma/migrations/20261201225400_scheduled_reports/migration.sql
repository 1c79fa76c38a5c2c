-- AlterTable
ALTER TABLE "DigestRun" DROP CONSTRAINT "DigestRun_pkey",
ADD COLUMN     "report" TEXT NOT NULL DEFAULT 'digest',
ADD CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("nexusId", "date", "report");
