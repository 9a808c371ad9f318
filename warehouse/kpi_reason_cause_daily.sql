-- Motivos × causas: callbacks charged to the attributed contact's reason category and reason
-- (under its label, kpi_reason_labels), split by cause, for the Motivos page.
CREATE OR REPLACE TABLE kpi_reason_cause_daily AS
SELECT
    f.local_date,
    f.operator,
    COALESCE(f.reason_category, '(sem categoria)') AS reason_category,
    COALESCE(l.label, f.reason, '(sem motivo)') AS reason,
    f.cause,
    CAST(COUNT(*) AS BIGINT) AS callbacks
FROM kpi_callback_facts f
LEFT JOIN kpi_reason_labels l ON l.reason = f.reason
GROUP BY ALL;
