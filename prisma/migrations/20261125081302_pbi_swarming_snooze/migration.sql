-- AlterTable
ALTER TABLE "Pbi" ADD COLUMN     "snoozedUntil" TEXT,
ADD COLUMN     "swarming" TEXT[] DEFAULT ARRAY[]::TEXT[];
