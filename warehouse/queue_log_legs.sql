-- queue_log_legs: canonical legs (SPEC §1) of the queue segments read from an Asterisk queue_log
-- (pipeline/sources/queue-log.ts, docs/sources.md). Defined by pipeline/sources/queue-log-legs.ts:
-- queue_log_segments (one ended segment a row, `seq` in the order they ended), queue_log_files
-- (file_index → name), queue_log_agents (CONNECT interface → roster entry), and the variables
-- operator, source and time_zone.
CREATE OR REPLACE TEMP VIEW queue_log_legs AS
WITH offsets AS (
  -- The center's UTC offset per quarter hour, as pipeline/extract/time.ts offsetMinutes takes
  -- it (Math.round is floor(x + 0.5)); a year of legs needs ~35,000 zone look-ups, not millions.
  SELECT bucket, CAST(floor((epoch_ms(timezone(getvariable('time_zone'), to_timestamp(bucket // 1000))) - bucket) / 60000 + 0.5) AS BIGINT) AS minutes
  FROM (SELECT DISTINCT time // 900000 * 900000 AS bucket FROM queue_log_segments)
)
SELECT
  getvariable('operator') AS operator,
  -- The enter instant tells apart the segments of one callid (one per queue it went through).
  s.callid || ':' || CAST(CAST(floor(s.time / 1000 + 0.5) AS BIGINT) AS VARCHAR) || ':' || s.queue AS call_id,
  s.callid AS protocol,
  'inbound' AS direction,
  s.status,
  strftime(make_timestamp((s.time + o.minutes * 60000) * 1000), '%Y-%m-%dT%H:%M:%S')
    || CASE WHEN o.minutes < 0 THEN '-' ELSE '+' END
    || lpad(CAST(abs(o.minutes) // 60 AS VARCHAR), 2, '0') || ':' || lpad(CAST(abs(o.minutes) % 60 AS VARCHAR), 2, '0') AS started_at,
  s.customer AS customer_number,
  a.agent_id, a.agent_name, a.supervisor, a.team,
  s.queue,
  s.talk AS talk_seconds,
  getvariable('source') AS _rechamadas_source,
  f.name || ' line ' || s.line AS _rechamadas_location
FROM queue_log_segments s
JOIN offsets o ON o.bucket = s.time // 900000 * 900000
JOIN queue_log_files f ON f.file_index = s.file
LEFT JOIN queue_log_agents a ON a.agent = s.agent
-- The order Node assembled them in: the loader's row numbers, and of two legs with one call_id
-- the later wins.
ORDER BY s.seq;
