-- Callbacks by cause (SPEC §4), counted on the callback's local_date and charged to the attributed
-- contact's operator. Causes have no denominator of their own: shares only.
CREATE OR REPLACE TABLE kpi_cause_daily AS
SELECT
    local_date,
    operator,
    cause AS group_key,
    CAST(COUNT(*) AS BIGINT) AS callbacks
FROM kpi_callback_facts
GROUP BY ALL;
