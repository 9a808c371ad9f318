-- customer_number_keys: SPEC §2 customer key, DDD, UF and region of each distinct raw number
-- of legs_to_key. Numbers without a key are absent. Input tables: legs_to_key(customer_number),
-- excluded_numbers(customer_number) from the configuration.
CREATE OR REPLACE TEMP TABLE customer_number_keys AS
WITH numbers AS (
  SELECT customer_number FROM legs_to_key WHERE customer_number IS NOT NULL
  UNION
  SELECT customer_number FROM excluded_numbers
),
-- Steps 1–2: withheld numbers, digits, international callers.
digits AS (
  SELECT
    customer_number,
    phone_is_withheld(customer_number) AS withheld,
    regexp_matches(customer_number, '^' || white_space() || '*\+') AS plus_prefix,
    phone_digits(customer_number) AS digits
  FROM numbers
),
-- Step 3: without country code or long-distance prefix.
national AS (
  SELECT *, phone_national(digits) AS national FROM digits
),
-- Step 4: DDD + subscriber, with the ninth digit of old mobiles.
subscriber AS (
  SELECT *, phone_ddd_subscriber(national) AS ddd_subscriber FROM national
),
candidates AS (
  SELECT
    customer_number,
    CASE
      WHEN withheld THEN NULL
      WHEN plus_prefix AND NOT starts_with(digits, '55') THEN
        CASE WHEN length(digits) BETWEEN 8 AND 15 THEN '+' || digits END
      -- Step 6: placeholders such as (11) 99999-9999.
      WHEN ddd_subscriber[3:] <> repeat(ddd_subscriber[3], length(ddd_subscriber) - 2) THEN ddd_subscriber
    END AS candidate
  FROM subscriber
),
keyed AS (
  SELECT
    c.customer_number,
    c.candidate AS customer_key,
    a.ddd,
    a.uf,
    CASE WHEN starts_with(c.candidate, '+') THEN 'Internacional' ELSE a.region END AS region
  FROM candidates c
  LEFT JOIN area_codes a ON a.ddd = c.candidate[1:2]
  -- Step 5: the DDD must exist.
  WHERE starts_with(c.candidate, '+') OR a.ddd IS NOT NULL
)
SELECT * FROM keyed
WHERE customer_key NOT IN (
  SELECT k.customer_key FROM keyed k JOIN excluded_numbers e ON e.customer_number = k.customer_number
);
