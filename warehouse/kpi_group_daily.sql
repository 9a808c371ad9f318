-- kpi_group_daily: SPEC §5 KPI inputs per dimension, group, day and operator, for every slice the
-- dashboard shows, in one table; `dimension` says which column `group_key` is:
--   center (one group, 'centro'), operator, agent (agent_id; contacts without an agent are left
--   out), supervisor, team, queue, reason, reason_category, ddd, uf, region.
-- Missing keys become '(não informado)'. Describing columns, as seen that day in the contact facts
-- (not the legs), NULL for the other dimensions: an agent's name (group_label), team and
-- supervisor; a team's supervisor; a reason's category; a DDD's UF; a UF's region.
-- Rates are not stored: every period sums these counts first and divides last.

-- Earlier versions kept the facts below, summed at their full grain, in two more tables; the
-- roll-ups read the facts directly now (faster than writing and re-reading them).
DROP TABLE IF EXISTS kpi_contact_daily;
DROP TABLE IF EXISTS kpi_aht_daily;

-- The facts every roll-up sums, one row each:
-- Handled side: every contact counted on its own local_date for the agent/team/... that handled it.
-- Charged side: every callback counted on ITS local_date but charged to the ATTRIBUTED contact's
-- operator, agent, supervisor, team, queue and reason, so a bad first call is blamed where it happened.
-- TMA side (SPEC §5): talk + hold + wrap over ANSWERED LEGS, credited to the leg's own agent (not
-- the contact's handling agent), so transfers count for everyone who worked the call.
CREATE OR REPLACE TEMP VIEW kpi_daily_facts AS
WITH handled AS (
    SELECT
        local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, ddd, uf, region,
        CAST(eligible AS BIGINT) AS contacts,
        CAST(eligible AND resolved = 'yes' AS BIGINT) AS resolved_yes,
        CAST(eligible AND resolved = 'no' AS BIGINT) AS resolved_no,
        CAST(eligible AND resolved = 'pending' AS BIGINT) AS resolved_pending,
        CAST(direction = 'inbound' AND NOT answered AS BIGINT) AS abandoned,
        CAST(direction = 'inbound' AND answered AND customer_key IS NULL AS BIGINT) AS unidentified
    FROM contacts
),
charged AS (
    SELECT
        local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, ddd, uf, region,
        CAST(1 AS BIGINT) AS callbacks,
        CAST(bucket = 'same_day' AS BIGINT) AS cb_same_day,
        CAST(bucket = 'within_3_days' AS BIGINT) AS cb_within_3_days,
        CAST(bucket = 'over_3_days' AS BIGINT) AS cb_over_3_days,
        CAST(cause = 'short' AS BIGINT) AS cb_short,
        CAST(cause = 'transferred' AS BIGINT) AS cb_transferred,
        CAST(cause = 'unknown' AS BIGINT) AS cb_unknown,
        CAST(cause = 'same_reason' AS BIGINT) AS cb_same_reason,
        CAST(cause = 'different_reason' AS BIGINT) AS cb_different_reason
    FROM kpi_callback_facts
),
answered_legs AS (
    SELECT
        local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, ddd, uf, region,
        CAST(1 AS BIGINT) AS answered_legs,
        CAST(COALESCE(talk_seconds, 0) + COALESCE(hold_seconds, 0) + COALESCE(wrap_seconds, 0) AS BIGINT) AS handle_seconds
    FROM legs
    WHERE status = 'answered'
)
SELECT *, TRUE AS is_contact_fact FROM handled
UNION ALL BY NAME
SELECT *, TRUE AS is_contact_fact FROM charged
UNION ALL BY NAME
SELECT *, FALSE AS is_contact_fact FROM answered_legs;

-- One dimension's roll-up (every dimension but center, operator and the customer's place, summed
-- from the place rows below). A macro, called once per dimension, rather than one query over every
-- dimension at once: `dimension_name` is a constant in each call, so DuckDB folds the CASEs and
-- reads only that dimension's column (a grouping-sets or unnest version took 2-3 times as long).
CREATE OR REPLACE TEMP MACRO kpi_group_rollup(dimension_name) AS TABLE
WITH keyed AS (
    SELECT *,
        CASE dimension_name
            WHEN 'agent' THEN agent_id
            WHEN 'supervisor' THEN COALESCE(supervisor, '(não informado)')
            WHEN 'team' THEN COALESCE(team, '(não informado)')
            WHEN 'queue' THEN COALESCE(queue, '(não informado)')
            WHEN 'reason' THEN COALESCE(reason, '(não informado)')
            WHEN 'reason_category' THEN COALESCE(reason_category, '(não informado)')
        END AS group_key
    FROM kpi_daily_facts
)
SELECT
    dimension_name AS dimension, local_date, operator, group_key,
    CASE WHEN dimension_name = 'agent' THEN COALESCE(max(agent_name) FILTER (WHERE is_contact_fact), group_key) ELSE group_key END AS group_label,
    CASE WHEN dimension_name = 'agent' THEN max(team) FILTER (WHERE is_contact_fact) END AS team,
    CASE WHEN dimension_name IN ('agent', 'team') THEN max(supervisor) FILTER (WHERE is_contact_fact) END AS supervisor,
    CASE WHEN dimension_name = 'reason' THEN max(reason_category) FILTER (WHERE is_contact_fact) END AS reason_category,
    CAST(NULL AS VARCHAR) AS region,
    CAST(NULL AS VARCHAR) AS uf,
    -- Every measure of the facts, summed.
    CAST(COALESCE(SUM(COLUMNS(* EXCLUDE (local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, ddd, uf, region, is_contact_fact, group_key))), 0) AS BIGINT)
FROM keyed
WHERE group_key IS NOT NULL
GROUP BY local_date, operator, group_key;

-- The customer's place (DDD, UF, region) in one pass over the facts: every fact has exactly one,
-- so the DDD, UF and region groups, the center's row and each operator's are sums of these few
-- rows, three passes fewer. A UF's region and a DDD's UF are those seen in its contact facts, as
-- kpi_group_rollup describes groups.
CREATE OR REPLACE TABLE kpi_group_daily AS
WITH by_place AS MATERIALIZED (
    SELECT
        local_date, operator, ddd, uf, region, is_contact_fact,
        CAST(COALESCE(SUM(COLUMNS(* EXCLUDE (local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, ddd, uf, region, is_contact_fact))), 0) AS BIGINT)
    FROM kpi_daily_facts
    GROUP BY local_date, operator, ddd, uf, region, is_contact_fact
),
whole AS (
    SELECT local_date, operator, CAST(SUM(COLUMNS(* EXCLUDE (local_date, operator, ddd, uf, region, is_contact_fact))) AS BIGINT)
    FROM by_place
    GROUP BY local_date, operator
)
SELECT 'center' AS dimension, local_date, operator, 'centro' AS group_key, 'centro' AS group_label,
    NULL AS team, NULL AS supervisor, NULL AS reason_category, NULL AS region, NULL AS uf, COLUMNS(whole.* EXCLUDE (local_date, operator))
FROM whole
UNION ALL
SELECT 'operator', local_date, operator, COALESCE(operator, '(não informado)'), COALESCE(operator, '(não informado)'), NULL, NULL, NULL, NULL, NULL, COLUMNS(whole.* EXCLUDE (local_date, operator))
FROM whole
UNION ALL
SELECT * FROM kpi_group_rollup('agent')
UNION ALL
SELECT * FROM kpi_group_rollup('supervisor')
UNION ALL
SELECT * FROM kpi_group_rollup('team')
UNION ALL
SELECT * FROM kpi_group_rollup('queue')
UNION ALL
-- Reasons: the spellings of one reason summed into its group, under its label.
SELECT 'reason', r.local_date, r.operator, coalesce(l.label, r.group_key), coalesce(l.label, r.group_key), NULL, NULL, max(r.reason_category), NULL, NULL,
    CAST(SUM(COLUMNS(r.* EXCLUDE (dimension, local_date, operator, group_key, group_label, team, supervisor, reason_category, region, uf))) AS BIGINT)
FROM kpi_group_rollup('reason') r
LEFT JOIN kpi_reason_labels l ON l.reason = r.group_key
GROUP BY r.local_date, r.operator, coalesce(l.label, r.group_key)
UNION ALL
SELECT * FROM kpi_group_rollup('reason_category')
UNION ALL
SELECT 'ddd', local_date, operator, COALESCE(ddd, '(não informado)'), COALESCE(ddd, '(não informado)'), NULL, NULL, NULL, NULL,
    max(uf) FILTER (WHERE is_contact_fact), CAST(SUM(COLUMNS(* EXCLUDE (local_date, operator, ddd, uf, region, is_contact_fact))) AS BIGINT)
FROM by_place
GROUP BY local_date, operator, COALESCE(ddd, '(não informado)')
UNION ALL
SELECT 'uf', local_date, operator, COALESCE(uf, '(não informado)'), COALESCE(uf, '(não informado)'), NULL, NULL, NULL,
    max(region) FILTER (WHERE is_contact_fact), NULL, CAST(SUM(COLUMNS(* EXCLUDE (local_date, operator, ddd, uf, region, is_contact_fact))) AS BIGINT)
FROM by_place
GROUP BY local_date, operator, COALESCE(uf, '(não informado)')
UNION ALL
SELECT 'region', local_date, operator, COALESCE(region, '(não informado)'), COALESCE(region, '(não informado)'), NULL, NULL, NULL, NULL, NULL,
    CAST(SUM(COLUMNS(* EXCLUDE (local_date, operator, ddd, uf, region, is_contact_fact))) AS BIGINT)
FROM by_place
GROUP BY local_date, operator, COALESCE(region, '(não informado)');
