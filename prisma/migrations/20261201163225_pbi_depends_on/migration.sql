-- AlterTable
ALTER TABLE "Pbi" ADD COLUMN     "dependsOn" TEXT[] DEFAULT ARRAY[]::TEXT[];
