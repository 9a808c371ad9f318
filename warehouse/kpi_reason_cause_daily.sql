-- Motivos × causas: callbacks charged to the attributed contact's reason category and reason,
-- split by cause, for the Motivos page.
CREATE OR REPLACE TABLE kpi_reason_cause_daily AS
SELECT
    local_date,
    operator,
    COALESCE(reason_category, '(sem categoria)') AS reason_category,
    COALESCE(reason, '(sem motivo)') AS reason,
    cause,
    CAST(COUNT(*) AS BIGINT) AS callbacks
FROM kpi_callback_facts
GROUP BY ALL;
