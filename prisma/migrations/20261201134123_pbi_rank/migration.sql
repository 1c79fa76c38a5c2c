-- AlterTable
ALTER TABLE "Pbi" ADD COLUMN     "rank" TEXT;
