-- AlterTable
ALTER TABLE "Pbi" ADD COLUMN     "linkedOn" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Dependencies trackers' links brought before this column: those of dependsOn a tracker added (its events say)
UPDATE "Pbi" p SET "linkedOn" = ARRAY(
  SELECT d FROM unnest(p."dependsOn") AS d
  WHERE EXISTS (
    SELECT 1 FROM "Event" e
    WHERE e."nexusId" = p."nexusId" AND e."pbiKey" = p.key AND e.type = 'pbi.dependency-added'
      AND e.actor IN ('jira', 'github', 'azure', 'linear', 'gitlab', 'generic') AND e.payload->>'on' = d))
WHERE cardinality(p."dependsOn") > 0;
