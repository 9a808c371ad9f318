-- staged_records: staged_legs with each record's place: `load_order` (later file, later record
-- = greater) and, where staging gave none, its number in its file, a `row N` location and
-- its file's source; direction and status spelled out from the staged flags.
CREATE OR REPLACE TEMP VIEW staged_records AS
SELECT
  s.* EXCLUDE (inbound, answered) REPLACE (
    coalesce(s.source, f.source) AS source,
    coalesce(s.row_number, s.load_order - f.first_rowid + 1) AS row_number,
    coalesce(s.location, 'row ' || coalesce(s.row_number, s.load_order - f.first_rowid + 1)) AS location
  ),
  CASE WHEN s.inbound THEN 'inbound' ELSE 'outbound' END AS direction,
  CASE WHEN s.answered THEN 'answered' ELSE 'abandoned' END AS status
FROM (SELECT rowid AS load_order, * FROM staged_legs) s
JOIN staged_files f ON f.file_index = s.file_index;
