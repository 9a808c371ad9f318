-- kpi_group_daily: SPEC §5 KPI inputs per dimension, group, day and operator: the roll-up of
-- kpi_contact_daily and kpi_aht_daily for every slice the dashboard shows, in one table, the
-- roll-up written once (the macro below); `dimension` says which column `group_key` is:
--   center (one group, 'centro'), operator, agent (agent_id; contacts without an agent are left
--   out), supervisor, team, queue, reason, reason_category, uf, region.
-- Missing keys become '(não informado)'. Callbacks are already charged to the attributed contact's
-- groups in kpi_contact_daily; TMA inputs are credited to each answered leg's groups.
-- Describing columns, as seen that day in the contact facts (not the legs), NULL for the other
-- dimensions: an agent's name (group_label), team and supervisor; a team's supervisor; a reason's
-- category; a UF's region.
-- Rates are not stored: every period sums these counts first and divides last.

-- One dimension's roll-up. A macro, called once per dimension, rather than one query over every
-- dimension at once: `dimension_name` is a constant in each call, so DuckDB folds the CASEs and
-- reads only that dimension's column (a grouping-sets or unnest version took 2-3 times as long).
CREATE OR REPLACE TEMP MACRO kpi_group_rollup(dimension_name) AS TABLE
WITH inputs AS (
    SELECT *, TRUE AS is_contact_fact FROM kpi_contact_daily
    UNION ALL BY NAME
    SELECT *, FALSE AS is_contact_fact FROM kpi_aht_daily
),
keyed AS (
    SELECT *,
        CASE dimension_name
            WHEN 'center' THEN 'centro'
            WHEN 'operator' THEN COALESCE(operator, '(não informado)')
            WHEN 'agent' THEN agent_id
            WHEN 'supervisor' THEN COALESCE(supervisor, '(não informado)')
            WHEN 'team' THEN COALESCE(team, '(não informado)')
            WHEN 'queue' THEN COALESCE(queue, '(não informado)')
            WHEN 'reason' THEN COALESCE(reason, '(não informado)')
            WHEN 'reason_category' THEN COALESCE(reason_category, '(não informado)')
            WHEN 'uf' THEN COALESCE(uf, '(não informado)')
            WHEN 'region' THEN COALESCE(region, '(não informado)')
        END AS group_key
    FROM inputs
)
SELECT
    dimension_name AS dimension, local_date, operator, group_key,
    CASE WHEN dimension_name = 'agent' THEN COALESCE(max(agent_name) FILTER (WHERE is_contact_fact), group_key) ELSE group_key END AS group_label,
    CASE WHEN dimension_name = 'agent' THEN max(team) FILTER (WHERE is_contact_fact) END AS team,
    CASE WHEN dimension_name IN ('agent', 'team') THEN max(supervisor) FILTER (WHERE is_contact_fact) END AS supervisor,
    CASE WHEN dimension_name = 'reason' THEN max(reason_category) FILTER (WHERE is_contact_fact) END AS reason_category,
    CASE WHEN dimension_name = 'uf' THEN max(region) FILTER (WHERE is_contact_fact) END AS region,
    -- Every measure of kpi_contact_daily and kpi_aht_daily, summed.
    CAST(COALESCE(SUM(COLUMNS(* EXCLUDE (local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, uf, region, is_contact_fact, group_key))), 0) AS BIGINT)
FROM keyed
WHERE group_key IS NOT NULL
GROUP BY local_date, operator, group_key;

CREATE OR REPLACE TABLE kpi_group_daily AS
SELECT * FROM kpi_group_rollup('center')
UNION ALL
SELECT * FROM kpi_group_rollup('operator')
UNION ALL
SELECT * FROM kpi_group_rollup('agent')
UNION ALL
SELECT * FROM kpi_group_rollup('supervisor')
UNION ALL
SELECT * FROM kpi_group_rollup('team')
UNION ALL
SELECT * FROM kpi_group_rollup('queue')
UNION ALL
SELECT * FROM kpi_group_rollup('reason')
UNION ALL
SELECT * FROM kpi_group_rollup('reason_category')
UNION ALL
SELECT * FROM kpi_group_rollup('uf')
UNION ALL
SELECT * FROM kpi_group_rollup('region');
