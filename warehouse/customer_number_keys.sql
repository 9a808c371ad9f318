-- customer_number_keys: SPEC §2 customer key, DDD, UF and region of each distinct raw number
-- of the legs still to be keyed (legs_to_key). Numbers without a key are absent.
CREATE OR REPLACE TEMP TABLE customer_number_keys AS
WITH candidates AS (
  SELECT customer_number, phone_candidate_key(customer_number) AS candidate
  FROM (SELECT DISTINCT customer_number FROM legs_to_key WHERE customer_number IS NOT NULL)
)
SELECT
  c.customer_number,
  c.candidate AS customer_key,
  a.ddd,
  a.uf,
  CASE WHEN starts_with(c.candidate, '+') THEN 'Internacional' ELSE a.region END AS region
FROM candidates c
LEFT JOIN area_codes a ON a.ddd = c.candidate[1:2]
WHERE (starts_with(c.candidate, '+') OR a.ddd IS NOT NULL)
  AND c.candidate NOT IN (SELECT customer_key FROM excluded_customer_keys);
