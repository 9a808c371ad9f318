-- contacts (next version, `contacts_next`, created empty by contacts_table.sql, from `legs_next`):
-- one row per contact (SPEC §3) with callback detection and attribution (SPEC §4).
-- warehouse_swap.sql puts it in place.
-- Variables: timezone, callback_window_seconds, attribution ('origin' | 'previous'),
-- short_call_seconds.
-- Built in steps through temp tables, outside the load's transaction, where DuckDB can spill
-- them to disk: in one query, or inside a transaction, 10M legs would have to fit in memory.
-- Most contacts have a single leg and need no aggregation; aggregating only the others keeps
-- the aggregate's state (which DuckDB cannot spill as easily as a join) small. The keys with
-- several legs are few, so joining them is cheap too. Every leg counts: one without protocol
-- whose call_id is another's protocol shares its key (docs/decisions.md).
CREATE OR REPLACE TEMP TABLE multi_leg_contacts AS
SELECT operator || ':' || coalesce(protocol, call_id) AS contact_key, CAST(count(*) AS BIGINT) AS legs
FROM legs_next
GROUP BY ALL
HAVING count(*) > 1;

CREATE OR REPLACE TEMP TABLE contact_facts AS
WITH leg_rows AS NOT MATERIALIZED (
  SELECT
    l.*,
    l.operator || ':' || coalesce(l.protocol, l.call_id) AS contact_key,
    struct_pack(l.started_at, l.call_id) AS leg_order,
    struct_pack(l.agent_id, l.agent_name, l.supervisor, l.team, l.queue, l.reason, l.reason_category) AS handling_fields
  FROM legs_next l
),
single_leg AS (
  SELECT
    contact_key, operator, protocol, started_at, direction,
    status = 'answered' AS answered,
    customer_key,
    CASE WHEN status = 'answered' THEN handling_fields END AS handling,
    CAST(1 AS BIGINT) AS legs,
    CAST(CASE WHEN status = 'answered' THEN talk_seconds ELSE 0 END AS BIGINT) AS talk_seconds,
    CAST(CASE WHEN status = 'answered' THEN talk_seconds + hold_seconds + wrap_seconds ELSE 0 END AS BIGINT) AS handle_seconds
  FROM leg_rows
  ANTI JOIN multi_leg_contacts m ON m.contact_key = leg_rows.contact_key
),
several_legs AS (
  SELECT
    contact_key,
    any_value(operator) AS operator,
    any_value(protocol) AS protocol,
    min(started_at) AS started_at,
    arg_min(direction, leg_order) AS direction,
    bool_or(status = 'answered') AS answered,
    arg_min(customer_key, leg_order) FILTER (WHERE customer_key IS NOT NULL) AS customer_key,
    -- The handling leg: the answered leg that started last (tie: greatest call_id).
    arg_max(handling_fields, leg_order) FILTER (WHERE status = 'answered') AS handling,
    any_value(m.legs) AS legs,
    CAST(coalesce(sum(talk_seconds) FILTER (WHERE status = 'answered'), 0) AS BIGINT) AS talk_seconds,
    CAST(coalesce(sum(talk_seconds + hold_seconds + wrap_seconds) FILTER (WHERE status = 'answered'), 0) AS BIGINT)
      AS handle_seconds
  FROM leg_rows
  JOIN multi_leg_contacts m USING (contact_key)
  GROUP BY contact_key
),
contact_rows AS (
  SELECT * FROM single_leg
  UNION ALL BY NAME
  SELECT * FROM several_legs
),
-- Reasons compare ignoring case, accents and spacing: one identity per distinct reason.
reason_identities AS (
  SELECT reason, reason_identity(reason) AS identity FROM (SELECT DISTINCT reason FROM legs_next)
)
SELECT
  contact_key, operator, protocol,
  customer_key, area.ddd, area.uf,
  CASE WHEN starts_with(customer_key, '+') THEN 'Internacional' ELSE area.region END AS region,
  started_at,
  CAST(timezone(getvariable('timezone'), started_at) AS DATE) AS local_date,
  direction, answered,
  direction = 'inbound' AND answered AND customer_key IS NOT NULL AS eligible,
  handling.agent_id, handling.agent_name, handling.supervisor, handling.team, handling.queue,
  handling.reason, handling.reason_category,
  legs, talk_seconds, handle_seconds,
  epoch_us(started_at) AS started_us,
  reason_identities.identity AS reason_identity
FROM contact_rows
LEFT JOIN area_codes area ON area.ddd = customer_key[1:2]
LEFT JOIN reason_identities ON reason_identities.reason = handling.reason;

-- Callbacks, episodes and attribution along each customer's timeline, in two window passes
-- and no join: a contact carries what a callback charged to it needs (`charge`), and the
-- window passes it on to the previous contact's successor and along the episode.
CREATE OR REPLACE TEMP TABLE contact_callbacks AS
WITH sequenced AS (
  SELECT
    contact_key, customer_key, started_us, local_date, reason_identity, charge,
    lag(charge) OVER customer_timeline AS previous_charge,
    started_us - lag(started_us) OVER customer_timeline AS gap_us,
    lead(started_us) OVER customer_timeline - started_us AS next_gap_us
  FROM (
    SELECT *, struct_pack(contact_key, local_date, agent_id, talk_seconds, legs, reason_identity) AS charge
    FROM contact_facts
    WHERE eligible
  )
  WINDOW customer_timeline AS (PARTITION BY customer_key ORDER BY started_us, contact_key)
),
flagged AS (
  SELECT
    *,
    coalesce(gap_us <= getvariable('callback_window_seconds') * 1000000, false) AS is_callback
  FROM sequenced
),
attributed AS (
  SELECT
    *,
    -- Each contact that is not a callback opens an episode; its origin is the latest such
    -- contact so far in the customer's timeline.
    last_value(CASE WHEN NOT is_callback THEN charge END IGNORE NULLS) OVER (
      PARTITION BY customer_key ORDER BY started_us, contact_key ROWS UNBOUNDED PRECEDING
    ) AS origin_charge
  FROM flagged
),
charged AS (
  SELECT
    *,
    CASE WHEN is_callback THEN
      CASE getvariable('attribution') WHEN 'previous' THEN previous_charge ELSE origin_charge END
    END AS charged_to
  FROM attributed
)
SELECT
  contact_key, is_callback,
  previous_charge.contact_key AS prev_contact_key,
  origin_charge.contact_key AS origin_contact_key,
  charged_to.contact_key AS attributed_contact_key,
  charged_to.agent_id AS attributed_agent_id,
  CAST(gap_us AS DOUBLE) / 1000000 AS gap_seconds,
  CASE
    WHEN charged_to IS NULL THEN NULL
    WHEN date_diff('day', charged_to.local_date, local_date) = 0 THEN 'same_day'
    WHEN date_diff('day', charged_to.local_date, local_date) <= 3 THEN 'within_3_days'
    ELSE 'over_3_days'
  END AS bucket,
  CASE
    WHEN charged_to IS NULL THEN NULL
    WHEN charged_to.talk_seconds < getvariable('short_call_seconds') THEN 'short'
    WHEN charged_to.legs > 1 THEN 'transferred'
    WHEN charged_to.reason_identity IS NULL OR reason_identity IS NULL THEN 'unknown'
    WHEN charged_to.reason_identity = reason_identity THEN 'same_reason'
    ELSE 'different_reason'
  END AS cause,
  CASE
    WHEN next_gap_us <= getvariable('callback_window_seconds') * 1000000 THEN 'no'
    WHEN started_us + getvariable('callback_window_seconds') * 1000000
      > (SELECT epoch_us(max(started_at)) FROM legs_next) THEN 'pending'
    ELSE 'yes'
  END AS resolved
FROM charged;

INSERT INTO contacts_next BY NAME
SELECT
  c.contact_key, c.operator, c.protocol, c.customer_key, c.ddd, c.uf, c.region,
  c.started_at, c.local_date, c.direction, c.answered, c.eligible,
  c.agent_id, c.agent_name, c.supervisor, c.team, c.queue, c.reason, c.reason_category,
  c.legs, c.talk_seconds, c.handle_seconds,
  cb.is_callback, cb.prev_contact_key, cb.origin_contact_key, cb.attributed_contact_key,
  cb.attributed_agent_id, cb.gap_seconds, cb.bucket, cb.cause, cb.resolved
FROM contact_facts c
LEFT JOIN contact_callbacks cb ON cb.contact_key = c.contact_key;

DROP TABLE multi_leg_contacts;
DROP TABLE contact_facts;
DROP TABLE contact_callbacks;
