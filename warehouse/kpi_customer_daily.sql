-- One row per customer and day, so "clientes que retornam" (returning_customer_rate, SPEC §5)
-- can count DISTINCT customers over any period: a distinct count does not add up across days.
-- A callback is charged to the attributed contact's operator, like every other callback KPI.
CREATE OR REPLACE TABLE kpi_customer_daily AS
WITH seen AS (
    SELECT local_date, operator, customer_key, TRUE AS had_contact, FALSE AS had_callback
    FROM contacts
    WHERE eligible
    UNION ALL
    SELECT local_date, operator, customer_key, FALSE, TRUE
    FROM kpi_callback_facts
)
SELECT local_date, operator, customer_key, bool_or(had_contact) AS had_contact, bool_or(had_callback) AS had_callback
FROM seen
GROUP BY ALL;
