-- AlterTable
ALTER TABLE "Pbi" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Pbi_nexusId_revision_idx" ON "Pbi"("nexusId", "revision");

-- Every write of a PBI, by any code path (raw SQL included), records the Nexus's revision. Each write transaction
-- bumps that revision first, so the row carries the revision its change becomes visible at.
CREATE FUNCTION "pbi_revision"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT "revision" INTO NEW."revision" FROM "Nexus" WHERE "id" = NEW."nexusId";
  RETURN NEW;
END
$$;

CREATE TRIGGER "pbi_revision" BEFORE INSERT OR UPDATE ON "Pbi" FOR EACH ROW EXECUTE FUNCTION "pbi_revision"();

UPDATE "Pbi" SET "revision" = "revision";
