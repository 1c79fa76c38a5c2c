-- PBI keys are unique ignoring case, as lookups always found them. Before the index can exist, keys a deployed database
-- already holds twice (PBI-2 and pbi-2, added before this check) are told apart: the oldest keeps its key, each later
-- one becomes <key>-dup<n> (the first n free), with its history. Nothing is lost; `/pbi show <key>-dup<n>` finds it.
DO $$
DECLARE
  dup RECORD;
  n INTEGER;
  renamed TEXT;
BEGIN
  FOR dup IN
    SELECT id, "nexusId", key FROM (
      SELECT id, "nexusId", key, row_number() OVER (PARTITION BY "nexusId", lower(key) ORDER BY "createdAt", id) AS place
      FROM "Pbi"
    ) ranked WHERE place > 1
  LOOP
    n := 1;
    LOOP
      renamed := dup.key || '-dup' || n;
      EXIT WHEN NOT EXISTS (SELECT 1 FROM "Pbi" WHERE "nexusId" = dup."nexusId" AND lower(key) = lower(renamed));
      n := n + 1;
    END LOOP;
    UPDATE "Event" SET "pbiKey" = renamed WHERE "nexusId" = dup."nexusId" AND "pbiKey" = dup.key;
    UPDATE "Pbi" SET key = renamed WHERE id = dup.id;
  END LOOP;
END
$$;

-- CreateIndex
CREATE UNIQUE INDEX "Pbi_nexusId_lower_key_key" ON "Pbi"("nexusId", lower(key));
