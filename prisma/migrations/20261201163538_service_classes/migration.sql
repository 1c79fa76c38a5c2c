-- AlterTable
ALTER TABLE "Nexus" ADD COLUMN     "classes" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Pbi" ADD COLUMN     "dueDate" TEXT,
ADD COLUMN     "serviceClass" TEXT NOT NULL DEFAULT 'standard';
