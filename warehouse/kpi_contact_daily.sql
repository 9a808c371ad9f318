-- Daily KPI facts (SPEC §5) at the finest grain the dashboard slices by.
-- Handled side: every contact counted on its own local_date for the agent/team/... that handled it.
-- Charged side: every callback counted on ITS local_date but charged to the ATTRIBUTED contact's
-- operator, agent, supervisor, team, queue and reason, so a bad first call is blamed where it happened.
CREATE OR REPLACE TABLE kpi_contact_daily AS
WITH handled AS (
    SELECT
        local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, uf, region,
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
        local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, uf, region,
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
facts AS (
    SELECT * FROM handled
    UNION ALL BY NAME
    SELECT * FROM charged
)
SELECT
    local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, uf, region,
    -- Every measure of either side, summed (a side without it counts 0).
    CAST(COALESCE(SUM(COLUMNS(* EXCLUDE (local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, uf, region))), 0) AS BIGINT)
FROM facts
GROUP BY ALL;
