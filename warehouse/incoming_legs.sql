-- incoming_legs: the valid records of this load, one per (operator, call_id). SPEC §1 duplicates:
-- the greatest updated_at wins, a record without updated_at is older than one with it, and
-- among ties the one loaded last (later file, later row) wins.
CREATE OR REPLACE TEMP TABLE incoming_legs AS
SELECT *
FROM staged_legs
WHERE reject_reason IS NULL
QUALIFY row_number() OVER (
  PARTITION BY operator, call_id
  ORDER BY updated_at DESC NULLS LAST, file_index DESC, row_number DESC
) = 1;
