-- Motivos × causas: callbacks charged to the attributed contact's reason category and reason,
-- split by cause, for the Motivos page.
CREATE OR REPLACE TABLE kpi_reason_cause_daily AS
SELECT
    callback.local_date,
    origin.operator,
    COALESCE(origin.reason_category, '(sem categoria)') AS reason_category,
    COALESCE(origin.reason, '(sem motivo)') AS reason,
    callback.cause,
    CAST(COUNT(*) AS BIGINT) AS callbacks
FROM contacts AS callback
JOIN contacts AS origin ON origin.contact_key = callback.attributed_contact_key
WHERE callback.is_callback
GROUP BY ALL;
