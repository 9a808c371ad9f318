-- legs, with local_date, customer keys and reason categories derived anew for every leg, after
-- the configuration they depend on (time zone, excluded numbers, reason rules) has changed.
-- Input: customer_number_keys and reason_categories built over all legs.
CREATE OR REPLACE TABLE legs AS
SELECT l.* REPLACE (
  CAST(timezone(getvariable('timezone'), l.started_at) AS DATE) AS local_date,
  k.customer_key AS customer_key, k.ddd AS ddd, k.uf AS uf, k.region AS region,
  rc.reason_category AS reason_category)
FROM legs l
LEFT JOIN customer_number_keys k ON k.customer_number = l.customer_number
LEFT JOIN reason_categories rc ON rc.reason = l.reason;
