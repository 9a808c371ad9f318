-- kpi_reason_labels: every reason as written in `legs`, and the label of its group on the
-- dashboard. Reasons compare ignoring case, accents and spacing (SPEC §4, reason_identity), so
-- "Sem sinal", "SEM SINAL" and "sem  sinal" are one reason, listed and ranked once: under the
-- spelling most legs use (ties: the first in text order).
CREATE OR REPLACE TABLE kpi_reason_labels AS
WITH spellings AS (
    SELECT reason, coalesce(reason_identity(reason), reason) AS identity, count(*) AS legs
    FROM legs
    WHERE reason IS NOT NULL
    GROUP BY reason
)
SELECT reason, first_value(reason) OVER (PARTITION BY identity ORDER BY legs DESC, reason) AS label
FROM spellings;
