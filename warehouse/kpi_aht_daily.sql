-- TMA (AHT) inputs per SPEC §5: talk + hold + wrap over ANSWERED LEGS, credited to the leg's own
-- agent (not the contact's handling agent), so transfers count for everyone who worked the call.
CREATE OR REPLACE TABLE kpi_aht_daily AS
SELECT
    local_date, operator, agent_id, agent_name, supervisor, team, queue, reason, reason_category, uf, region,
    CAST(COUNT(*) AS BIGINT) AS answered_legs,
    CAST(SUM(COALESCE(talk_seconds, 0) + COALESCE(hold_seconds, 0) + COALESCE(wrap_seconds, 0)) AS BIGINT) AS handle_seconds
FROM legs
WHERE status = 'answered'
GROUP BY ALL;
