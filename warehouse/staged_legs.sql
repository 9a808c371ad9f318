-- checked_legs: the records of staged_raw, typed, with the reason each breaks SPEC §1 (NULL when
-- valid). staged_raw is a view over the file being read (all text, one row per record), defined
-- by pipeline/load.ts. A rejected record keeps its raw payload; a valid one needs none.

-- A bound past the last daylight-saving fall-back of the center's zone (NULL for a zone without
-- one): zone-less times before it may be repeated wall times (macros.sql earlier_if_repeated).
-- The offset sampled weekly (no DST period, Ramadan breaks included, is shorter), for 20 ms.
SET VARIABLE repeated_until = (
  SELECT max(week) + INTERVAL 8 DAY
  FROM (SELECT unnest(generate_series(TIMESTAMPTZ '1900-01-08 00:00:00Z', TIMESTAMPTZ '2100-01-01 00:00:00Z', INTERVAL 7 DAY)) AS week)
  WHERE utc_offset_us(week, getvariable('timezone')) < utc_offset_us(week - INTERVAL 7 DAY, getvariable('timezone'))
);

CREATE OR REPLACE TEMP VIEW checked_legs AS
WITH parsed AS (
  SELECT
    *,
    parse_instant(started_at) AS started_at_parsed,
    parse_instant(updated_at) AS updated_at_parsed,
    parse_duration(talk_seconds) AS talk_value,
    parse_duration(hold_seconds) AS hold_value,
    parse_duration(wrap_seconds) AS wrap_value
  FROM staged_raw
),
typed AS (
  SELECT
    * EXCLUDE (started_at_parsed, updated_at_parsed),
    earlier_if_repeated(started_at_parsed, started_at) AS started_at_value,
    earlier_if_repeated(updated_at_parsed, updated_at) AS updated_at_value
  FROM parsed
),
-- One column per rule, NULL when the record keeps it: most records break none, and the reason
-- text is only assembled for those that do.
problems AS (
  SELECT
    *,
    CASE
      WHEN is_blank(operator) THEN 'operator is missing'
      WHEN NOT regexp_full_match(operator, '[a-z0-9_-]{1,64}')
        THEN 'operator ' || quoted_value(operator) || ' must be 1 to 64 characters among a-z, 0-9, _ and -'
    END AS operator_problem,
    CASE
      WHEN is_blank(call_id) THEN 'call_id is missing'
      WHEN length(call_id) > 128 THEN 'call_id ' || quoted_value(call_id) || ' is longer than 128 characters'
    END AS call_id_problem,
    CASE
      WHEN is_blank(direction) THEN 'direction is missing'
      WHEN direction NOT IN ('inbound', 'outbound')
        THEN 'direction ' || quoted_value(direction) || ' must be inbound or outbound'
    END AS direction_problem,
    CASE
      WHEN is_blank(status) THEN 'status is missing'
      WHEN status NOT IN ('answered', 'abandoned')
        THEN 'status ' || quoted_value(status) || ' must be answered or abandoned'
    END AS status_problem,
    CASE
      WHEN is_blank(started_at) THEN 'started_at is missing'
      WHEN started_at_value IS NULL
        THEN 'started_at ' || quoted_value(started_at) || ' is not an ISO-8601 timestamp (e.g. 2026-11-27T09:30:00-03:00)'
    END AS started_at_problem,
    CASE
      WHEN NOT is_blank(updated_at) AND updated_at_value IS NULL
        THEN 'updated_at ' || quoted_value(updated_at) || ' is not an ISO-8601 timestamp (e.g. 2026-11-27T09:30:00-03:00)'
    END AS updated_at_problem,
    CASE WHEN talk_value IS NULL THEN 'talk_seconds ' || quoted_value(talk_seconds) || ' must be a whole number of seconds, 0 or more' END AS talk_problem,
    CASE WHEN hold_value IS NULL THEN 'hold_seconds ' || quoted_value(hold_seconds) || ' must be a whole number of seconds, 0 or more' END AS hold_problem,
    CASE WHEN wrap_value IS NULL THEN 'wrap_seconds ' || quoted_value(wrap_seconds) || ' must be a whole number of seconds, 0 or more' END AS wrap_problem,
    CASE WHEN status = 'answered' AND is_blank(agent_id) THEN 'agent_id is required when status is answered' END AS agent_problem
  FROM typed
),
validated AS (
  SELECT
    *,
    CASE
      -- A record that could not even be parsed has only that reason.
      WHEN parse_error IS NOT NULL THEN parse_error
      WHEN operator_problem IS NOT NULL OR call_id_problem IS NOT NULL OR direction_problem IS NOT NULL
        OR status_problem IS NOT NULL OR started_at_problem IS NOT NULL OR updated_at_problem IS NOT NULL
        OR talk_problem IS NOT NULL OR hold_problem IS NOT NULL OR wrap_problem IS NOT NULL OR agent_problem IS NOT NULL
        THEN concat_ws('; ', operator_problem, call_id_problem, direction_problem, status_problem, started_at_problem,
          updated_at_problem, talk_problem, hold_problem, wrap_problem, agent_problem)
    END AS reject_reason
  FROM problems
)
SELECT
  source, location, file_index, row_number,
  CASE WHEN reject_reason IS NOT NULL THEN coalesce(raw_payload, CAST(json_object(
    'operator', operator, 'call_id', call_id, 'protocol', protocol, 'direction', direction, 'status', status,
    'started_at', started_at, 'customer_number', customer_number, 'agent_id', agent_id, 'agent_name', agent_name,
    'supervisor', supervisor, 'team', team, 'queue', queue, 'reason', reason, 'talk_seconds', talk_seconds,
    'hold_seconds', hold_seconds, 'wrap_seconds', wrap_seconds, 'updated_at', updated_at) AS VARCHAR)) END AS raw_payload,
  operator, call_id,
  CASE WHEN NOT is_blank(protocol) THEN protocol END AS protocol,
  -- The two enumerations as flags: a byte each instead of a string, so 10M staged legs spill
  -- less to disk (staged_records.sql spells them out again).
  direction = 'inbound' AS inbound,
  status = 'answered' AS answered,
  started_at_value AS started_at,
  CASE WHEN NOT is_blank(customer_number) THEN customer_number END AS customer_number,
  CASE WHEN NOT is_blank(agent_id) THEN agent_id END AS agent_id,
  CASE WHEN NOT is_blank(agent_name) THEN agent_name END AS agent_name,
  CASE WHEN NOT is_blank(supervisor) THEN supervisor END AS supervisor,
  CASE WHEN NOT is_blank(team) THEN team END AS team,
  CASE WHEN NOT is_blank(queue) THEN queue END AS queue,
  CASE WHEN NOT is_blank(reason) THEN reason END AS reason,
  talk_value AS talk_seconds, hold_value AS hold_seconds, wrap_value AS wrap_seconds,
  updated_at_value AS updated_at,
  reject_reason
FROM validated;
