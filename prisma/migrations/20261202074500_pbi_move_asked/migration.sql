-- AlterTable
ALTER TABLE "Pbi" ADD COLUMN     "moveAskedAt" TIMESTAMP(3),
ADD COLUMN     "moveAskedBy" TEXT;
