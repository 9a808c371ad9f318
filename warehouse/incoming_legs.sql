-- incoming_legs: the valid records of this load, one per (operator, call_id). SPEC §1 duplicates:
-- the greatest updated_at wins, a record without updated_at is older than one with it, and
-- among ties the one loaded last (later file, later row) wins. Duplicates are rare, so only
-- their keys are ranked and the rest of the load is read in place.
CREATE OR REPLACE TEMP TABLE superseded_records AS
WITH duplicated_keys AS (
  SELECT operator, call_id
  FROM staged_legs
  WHERE reject_reason IS NULL
  GROUP BY operator, call_id
  HAVING count(*) > 1
)
SELECT s.load_order
FROM staged_records s
SEMI JOIN duplicated_keys d ON d.operator = s.operator AND d.call_id = s.call_id
WHERE s.reject_reason IS NULL
QUALIFY row_number() OVER (
  PARTITION BY s.operator, s.call_id
  ORDER BY s.updated_at DESC NULLS LAST, s.load_order DESC
) > 1;

CREATE OR REPLACE TEMP VIEW incoming_legs AS
SELECT s.*
FROM staged_records s
ANTI JOIN superseded_records x ON x.load_order = s.load_order
WHERE s.reject_reason IS NULL;
