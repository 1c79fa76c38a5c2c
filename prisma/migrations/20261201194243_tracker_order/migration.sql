-- AlterTable
ALTER TABLE "Pbi" ADD COLUMN     "rankedAt" TIMESTAMP(3),
ADD COLUMN     "trackerOrder" JSONB;
