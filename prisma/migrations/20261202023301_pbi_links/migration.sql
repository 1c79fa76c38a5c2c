-- AlterTable
ALTER TABLE "Pbi" ADD COLUMN     "links" JSONB NOT NULL DEFAULT '[]';
