-- staged_records: staged_legs with each record's place: `load_order` (later file, later record
-- = greater) and, where the reader gave none, its number in its file and a `row N` location.
CREATE OR REPLACE TEMP VIEW staged_records AS
SELECT
  s.* REPLACE (
    coalesce(s.row_number, s.load_order - f.first_rowid + 1) AS row_number,
    coalesce(s.location, 'row ' || (s.load_order - f.first_rowid + 1)) AS location
  )
FROM (SELECT rowid AS load_order, * FROM staged_legs) s
JOIN staged_files f ON f.file_index = s.file_index;
