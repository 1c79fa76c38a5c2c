-- AlterTable
ALTER TABLE "Nexus" ADD COLUMN     "sprintStart" TEXT;
