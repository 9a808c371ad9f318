-- One row per customer, operator and day, so "clientes que retornam" (returning_customer_rate,
-- SPEC §5) can count DISTINCT customers over any period: a distinct count does not add up across days.
-- A callback is charged to the attributed contact's operator, like every other callback KPI.
-- Each row also carries the last earlier day the customer had a contact, and a callback, with the
-- same operator and with any operator (same-day rows ordered by operator). A customer counts once
-- in a period, on their first row in it: the one whose earlier day falls before the period. The
-- distinct counts become plain counts, several times cheaper per period than COUNT(DISTINCT).
-- `customer_id` is the customer_key as a number (its digits; an international key '+DIGITS' as
-- -(1DIGITS), one to one): the windows sort numbers a third faster than text. It is the macro
-- customer_id of macros.sql, written out: the site may run on a warehouse loaded before the macro.
CREATE OR REPLACE TABLE kpi_customer_daily AS
WITH seen AS (
    SELECT local_date, operator, customer_key, TRUE AS had_contact, FALSE AS had_callback
    FROM contacts
    WHERE eligible
    UNION ALL
    SELECT local_date, operator, customer_key, FALSE, TRUE
    FROM kpi_callback_facts
),
daily AS (
    SELECT
        local_date, operator,
        CASE WHEN starts_with(customer_key, '+') THEN -CAST('1' || customer_key[2:] AS BIGINT) ELSE CAST(customer_key AS BIGINT) END AS customer_id,
        bool_or(had_contact) AS had_contact, bool_or(had_callback) AS had_callback
    FROM seen
    GROUP BY ALL
)
SELECT *,
    max(CASE WHEN had_contact THEN local_date END) OVER same_operator AS earlier_contact_date_operator,
    max(CASE WHEN had_callback THEN local_date END) OVER same_operator AS earlier_callback_date_operator,
    max(CASE WHEN had_contact THEN local_date END) OVER any_operator AS earlier_contact_date,
    max(CASE WHEN had_callback THEN local_date END) OVER any_operator AS earlier_callback_date
FROM daily
WINDOW
    same_operator AS (PARTITION BY customer_id, operator ORDER BY local_date ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
    any_operator AS (PARTITION BY customer_id ORDER BY local_date, operator ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING);
