-- Scalar macros shared by the models. Stored in the warehouse, so analysts can call them too.

-- Blank means missing: empty or only whitespace (tab to carriage return, and space; written
-- with chr, as DuckDB's E'' strings read '\v' as a plain v). It runs on every field of every
-- record, so only a value that sorts before '!' (empty, or starting with a space or a control
-- character) is trimmed: one byte compared, where decoding the first character cost three
-- times as much. Not an IN list: DuckDB turns a long one into a join, and staging would lose
-- the file's order, which numbers its records.
CREATE OR REPLACE MACRO is_blank(x) AS CASE
  WHEN x IS NULL THEN true
  WHEN x >= '!' THEN false
  ELSE trim(x, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)) = ''
  END;

-- SPEC §1: ISO-8601 instant. Seconds are optional; without an offset the session time zone
-- (set to the center's) applies. Returns NULL when the text is not such a timestamp.
-- The usual shape (seconds, upper-case T or a space, no padding) goes straight to DuckDB's own
-- cast; the others are normalised first (minutes-only times get ':00'), which costs more.
CREATE OR REPLACE MACRO parse_instant(x) AS CASE
  WHEN regexp_full_match(x, '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)?')
    THEN TRY_CAST(x AS TIMESTAMPTZ)
  WHEN regexp_full_match(x, '\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2})?)?\s*')
    THEN TRY_CAST(regexp_replace(upper(replace(trim(x), ',', '.')), '^(.{10}.\d{2}:\d{2})([Z+-].*)?$', '\1:00\2') AS TIMESTAMPTZ)
  END;

-- An instant's UTC offset in a time zone, in microseconds (-3 h in São Paulo: -10800000000).
CREATE OR REPLACE MACRO utc_offset_us(instant, time_zone) AS
  epoch_us(timezone(time_zone, instant)) - epoch_us(instant);

-- An instant's date in a time zone, given its UTC offset there when known (cheaper than the
-- time-zone rules, which apply when the offset is NULL).
CREATE OR REPLACE MACRO local_date_at(instant, offset_us, time_zone) AS CASE
  WHEN offset_us IS NOT NULL THEN CAST(make_timestamp(epoch_us(instant) + offset_us) AS DATE)
  ELSE CAST(timezone(time_zone, instant) AS DATE)
  END;

-- SPEC §1: durations are whole seconds >= 0 (12.0 is whole); missing means 0. NULL means invalid.
-- Plain digits, the usual case, skip the trimming.
CREATE OR REPLACE MACRO parse_duration(x) AS CASE
  WHEN x IS NULL THEN CAST(0 AS BIGINT)
  WHEN regexp_full_match(x, '[0-9]{1,12}') THEN CAST(x AS BIGINT)
  WHEN regexp_full_match(x, '\s*[0-9]{1,12}(\.0+)?\s*') THEN CAST(TRY_CAST(trim(x) AS UBIGINT) AS BIGINT)
  WHEN is_blank(x) THEN CAST(0 AS BIGINT)
  END;

-- Values quoted in rejection reasons stay short enough to read.
CREATE OR REPLACE MACRO quoted_value(x) AS
  '"' || CASE WHEN length(x) > 60 THEN left(x, 57) || '...' ELSE x END || '"';

-- SPEC §2, step by step; customer_number_keys.sql chains them.
CREATE OR REPLACE MACRO phone_is_withheld(raw) AS
  regexp_full_match(raw, '\s*')
  OR regexp_matches(lower(raw), 'anonymous|anonimo|anônimo|restrito|privado|private|unknown|desconhecido');

CREATE OR REPLACE MACRO phone_digits(raw) AS regexp_replace(raw, '[^0-9]', '', 'g');

CREATE OR REPLACE MACRO phone_national(d) AS CASE
  WHEN starts_with(d, '55') AND length(d) IN (12, 13) THEN d[3:]
  WHEN starts_with(d, '0') AND length(d) IN (11, 12) THEN d[2:]
  WHEN starts_with(d, '0') AND length(d) IN (13, 14) THEN d[4:]
  ELSE d
  END;

-- DDD + 8-digit landline, DDD + 9-digit mobile; an old 8-digit mobile gets its ninth digit.
CREATE OR REPLACE MACRO phone_ddd_subscriber(n) AS CASE
  WHEN length(n) = 10 AND n[3] IN ('6', '7', '8', '9') THEN n[1:2] || '9' || n[3:]
  WHEN length(n) = 10 AND n[3] IN ('2', '3', '4', '5') THEN n
  WHEN length(n) = 11 AND n[3] = '9' THEN n
  END;

-- The customer_key as a number, one to one: its digits, an international key '+DIGITS' as
-- -(1DIGITS). Windows partition and sort numbers faster than text.
CREATE OR REPLACE MACRO customer_id(customer_key) AS CASE
  WHEN starts_with(customer_key, '+') THEN -CAST('1' || customer_key[2:] AS BIGINT)
  ELSE CAST(customer_key AS BIGINT)
  END;

-- SPEC §4: reasons compare ignoring case, accents and spacing.
CREATE OR REPLACE MACRO reason_identity(x) AS
  nullif(regexp_replace(strip_accents(lower(replace(replace(x, 'ª', 'a'), 'º', 'o'))), '\s+', '', 'g'), '');

-- Reason category rules match keywords inside the reason, ignoring case and accents.
CREATE OR REPLACE MACRO reason_match_text(x) AS
  ' ' || trim(regexp_replace(strip_accents(lower(replace(replace(x, 'ª', 'a'), 'º', 'o'))), '\s+', ' ', 'g')) || ' ';
