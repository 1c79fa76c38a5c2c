-- AlterTable
ALTER TABLE "Nexus" ADD COLUMN     "forecastDays" TEXT NOT NULL DEFAULT 'calendar',
ADD COLUMN     "sprintDays" INTEGER NOT NULL DEFAULT 14;
