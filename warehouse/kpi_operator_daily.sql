-- kpi_operator_daily: SPEC §5 KPI inputs per operator and day (and operator). Operadora: one row per operator and day.
-- Rates are not stored: every period sums these counts first and divides last.
CREATE OR REPLACE TABLE kpi_operator_daily AS
WITH facts AS (
    SELECT
        local_date, operator, COALESCE(operator, '(não informado)') AS group_key,
        CAST(SUM(contacts) AS BIGINT) AS contacts,
        CAST(SUM(callbacks) AS BIGINT) AS callbacks,
        CAST(SUM(cb_same_day) AS BIGINT) AS cb_same_day,
        CAST(SUM(cb_within_3_days) AS BIGINT) AS cb_within_3_days,
        CAST(SUM(cb_over_3_days) AS BIGINT) AS cb_over_3_days,
        CAST(SUM(cb_short) AS BIGINT) AS cb_short,
        CAST(SUM(cb_transferred) AS BIGINT) AS cb_transferred,
        CAST(SUM(cb_unknown) AS BIGINT) AS cb_unknown,
        CAST(SUM(cb_same_reason) AS BIGINT) AS cb_same_reason,
        CAST(SUM(cb_different_reason) AS BIGINT) AS cb_different_reason,
        CAST(SUM(resolved_yes) AS BIGINT) AS resolved_yes,
        CAST(SUM(resolved_no) AS BIGINT) AS resolved_no,
        CAST(SUM(resolved_pending) AS BIGINT) AS resolved_pending,
        CAST(SUM(abandoned) AS BIGINT) AS abandoned,
        CAST(SUM(unidentified) AS BIGINT) AS unidentified
    FROM kpi_contact_daily
    GROUP BY local_date, operator, group_key
),
handling AS (
    SELECT
        local_date, operator, COALESCE(operator, '(não informado)') AS group_key,
        CAST(SUM(answered_legs) AS BIGINT) AS answered_legs,
        CAST(SUM(handle_seconds) AS BIGINT) AS handle_seconds
    FROM kpi_aht_daily
    GROUP BY local_date, operator, group_key
)
SELECT
    local_date, operator, group_key, group_key AS group_label,
    CAST(COALESCE(f.contacts, 0) AS BIGINT) AS contacts,
    CAST(COALESCE(f.callbacks, 0) AS BIGINT) AS callbacks,
    CAST(COALESCE(f.cb_same_day, 0) AS BIGINT) AS cb_same_day,
    CAST(COALESCE(f.cb_within_3_days, 0) AS BIGINT) AS cb_within_3_days,
    CAST(COALESCE(f.cb_over_3_days, 0) AS BIGINT) AS cb_over_3_days,
    CAST(COALESCE(f.cb_short, 0) AS BIGINT) AS cb_short,
    CAST(COALESCE(f.cb_transferred, 0) AS BIGINT) AS cb_transferred,
    CAST(COALESCE(f.cb_unknown, 0) AS BIGINT) AS cb_unknown,
    CAST(COALESCE(f.cb_same_reason, 0) AS BIGINT) AS cb_same_reason,
    CAST(COALESCE(f.cb_different_reason, 0) AS BIGINT) AS cb_different_reason,
    CAST(COALESCE(f.resolved_yes, 0) AS BIGINT) AS resolved_yes,
    CAST(COALESCE(f.resolved_no, 0) AS BIGINT) AS resolved_no,
    CAST(COALESCE(f.resolved_pending, 0) AS BIGINT) AS resolved_pending,
    CAST(COALESCE(f.abandoned, 0) AS BIGINT) AS abandoned,
    CAST(COALESCE(f.unidentified, 0) AS BIGINT) AS unidentified,
    CAST(COALESCE(h.answered_legs, 0) AS BIGINT) AS answered_legs,
    CAST(COALESCE(h.handle_seconds, 0) AS BIGINT) AS handle_seconds
FROM facts AS f
FULL JOIN handling AS h USING (local_date, operator, group_key);
