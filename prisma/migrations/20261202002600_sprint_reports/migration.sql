-- AlterTable
ALTER TABLE "Nexus" ADD COLUMN     "sprintRetro" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sprintReview" BOOLEAN NOT NULL DEFAULT false;
