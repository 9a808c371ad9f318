-- Scalar macros shared by the models. Stored in the warehouse, so analysts can call them too.

-- White space, as a regular-expression class: Unicode's White_Space characters (tab to carriage
-- return, space, NEL, the no-break and other Unicode spaces, line and paragraph separators) and
-- the zero-width no-break space U+FEFF — what JavaScript's \s and trim() and Python's strip()
-- treat as space, so a value that one of them would trim to nothing is blank here too.
CREATE OR REPLACE MACRO white_space() AS '[\t\n\x{0B}\f\r\x{85}\x{FEFF}\p{Z}]';

-- Blank means missing: empty or only white space. It runs on every field of every record, so a
-- value starting with a printable ASCII character (between '!' and U+0080) is decided by two
-- byte comparisons; only the rest (empty, a leading space or control character, a leading
-- non-ASCII character) meet the regular expression. Not an IN list: DuckDB turns a long one
-- into a join, and staging would lose the file's order, which numbers its records.
CREATE OR REPLACE MACRO is_blank(x) AS CASE
  WHEN x IS NULL THEN true
  WHEN x >= '!' AND x < chr(128) THEN false
  ELSE regexp_full_match(x, white_space() || '*')
  END;

-- The value without the white space around it.
CREATE OR REPLACE MACRO trim_white_space(x) AS
  regexp_replace(x, '^' || white_space() || '+|' || white_space() || '+$', '', 'g');

-- SPEC §1: ISO-8601 instant. Seconds are optional; without an offset the session time zone
-- (set to the center's) applies; an offset is less than 24 hours, and so is the hour: `24:00`,
-- which DuckDB would read as the next midnight, is refused as Python and Java refuse it. Returns
-- NULL when the text is not such a timestamp.
-- The usual shape (seconds, upper-case T or a space, no padding) goes straight to DuckDB's own
-- cast; the others are normalised first (minutes-only times get ':00'), which costs more.
CREATE OR REPLACE MACRO parse_instant(x) AS CASE
  WHEN regexp_full_match(x, '\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?')
    THEN TRY_CAST(x AS TIMESTAMPTZ)
  WHEN regexp_full_match(x, white_space() || '*\d{4}-\d{2}-\d{2}[Tt ]([01]\d|2[0-3]):\d{2}(:\d{2}([.,]\d{1,9})?)?([Zz]|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?' || white_space() || '*')
    THEN TRY_CAST(regexp_replace(upper(replace(trim_white_space(x), ',', '.')), '^(.{10}.\d{2}:\d{2})([Z+-].*)?$', '\1:00\2') AS TIMESTAMPTZ)
  END;

-- An instant's UTC offset in a time zone, in microseconds (-3 h in São Paulo: -10800000000).
CREATE OR REPLACE MACRO utc_offset_us(instant, time_zone) AS
  epoch_us(timezone(time_zone, instant)) - epoch_us(instant);

-- How far back the same wall time was shown earlier in a time zone, in microseconds: a
-- daylight-saving fall-back in the 3 hours before `instant` (no zone moves back more) repeats
-- the wall times of [T, T + shift), and an instant there has an earlier twin. 0 elsewhere.
CREATE OR REPLACE MACRO fall_back_shift_us(instant, time_zone) AS CASE
  WHEN utc_offset_us(instant - INTERVAL 3 HOUR, time_zone) > utc_offset_us(instant, time_zone)
    AND utc_offset_us(instant - to_microseconds(utc_offset_us(instant - INTERVAL 3 HOUR, time_zone) - utc_offset_us(instant, time_zone)), time_zone)
      = utc_offset_us(instant - INTERVAL 3 HOUR, time_zone)
    THEN utc_offset_us(instant - INTERVAL 3 HOUR, time_zone) - utc_offset_us(instant, time_zone)
  ELSE 0
  END;

-- SPEC §1 reads a zone-less timestamp `x` in the center's zone; `instant` is how parse_instant
-- read it. A wall time that a fall-back repeats has two instants: DuckDB's cast takes the later,
-- Python and Java (and the usual reading, fold = 0) the earlier, and so does this. Only instants
-- before the zone's last fall-back (the variable repeated_until, set per load by
-- staged_legs.sql; São Paulo's was in 2019) are looked at: in a zone without DST today, today's
-- calls cost one comparison; in one with DST, each zone-less value pays the time-zone rules.
CREATE OR REPLACE MACRO earlier_if_repeated(instant, x) AS CASE
  WHEN NOT coalesce(instant < getvariable('repeated_until'), false) THEN instant
  WHEN regexp_matches(x, '\d:\d\d(:\d\d([.,]\d{1,9})?)?[Zz+-]') THEN instant
  ELSE instant - to_microseconds(fall_back_shift_us(instant, current_setting('TimeZone')))
  END;

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
  WHEN regexp_full_match(x, white_space() || '*[0-9]{1,12}(\.0+)?' || white_space() || '*')
    THEN CAST(TRY_CAST(trim_white_space(x) AS UBIGINT) AS BIGINT)
  WHEN is_blank(x) THEN CAST(0 AS BIGINT)
  END;

-- Values quoted in rejection reasons stay short enough to read.
CREATE OR REPLACE MACRO quoted_value(x) AS
  '"' || CASE WHEN length(x) > 60 THEN left(x, 57) || '...' ELSE x END || '"';

-- SPEC §2, step by step; customer_number_keys.sql chains them.
CREATE OR REPLACE MACRO phone_is_withheld(raw) AS
  is_blank(raw)
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

-- SPEC §4: reasons compare ignoring case, accents and spacing (any white space).
CREATE OR REPLACE MACRO reason_identity(x) AS
  nullif(regexp_replace(strip_accents(lower(replace(replace(x, 'ª', 'a'), 'º', 'o'))), white_space() || '+', '', 'g'), '');

-- Reason category rules match keywords inside the reason, ignoring case and accents.
CREATE OR REPLACE MACRO reason_match_text(x) AS
  ' ' || trim(regexp_replace(strip_accents(lower(replace(replace(x, 'ª', 'a'), 'º', 'o'))), white_space() || '+', ' ', 'g')) || ' ';
