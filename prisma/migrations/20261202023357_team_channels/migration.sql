-- AlterTable
ALTER TABLE "Nexus" ADD COLUMN     "teamChannels" JSONB NOT NULL DEFAULT '[]';
