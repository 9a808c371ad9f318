-- Callbacks by cause (SPEC §4), counted on the callback's local_date and charged to the attributed
-- contact's operator and reason category. Causes have no denominator of their own: shares only.
CREATE OR REPLACE TABLE kpi_cause_daily AS
SELECT
    callback.local_date,
    origin.operator,
    callback.cause AS group_key,
    CAST(COUNT(*) AS BIGINT) AS callbacks
FROM contacts AS callback
JOIN contacts AS origin ON origin.contact_key = callback.attributed_contact_key
WHERE callback.is_callback
GROUP BY ALL;
