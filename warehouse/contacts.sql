-- contacts (next version, `contacts_next`, created empty by contacts_table.sql, from `legs_next`
-- and multi_leg_contacts.sql): one row per contact (SPEC §3) with callback detection and
-- attribution (SPEC §4). warehouse_swap.sql puts it in place.
-- Variables: callback_window_seconds, attribution ('origin' | 'previous'),
-- short_call_seconds, and the chunk of customers to build: contact_chunk of contact_chunks.
-- Callbacks only ever link contacts of one customer, so a big load is built one chunk of
-- customers at a time (pipeline/transform.ts), each small enough for memory.
-- One statement: the contacts' facts are materialized once, in the query, for the window passes
-- and the insert; temp tables in between cost a fifth more (docs/benchmarks.md).
INSERT INTO contacts_next BY NAME
-- Each branch filters its own chunk: over their union DuckDB would filter only after the
-- anti join, which then reads every chunk's legs.
WITH single_leg AS (
  SELECT
    contact_key, operator, protocol, started_at, local_date, direction,
    status = 'answered' AS answered,
    customer_key,
    CASE WHEN status = 'answered' THEN handling_fields END AS handling,
    CAST(1 AS BIGINT) AS legs,
    CAST(CASE WHEN status = 'answered' THEN talk_seconds ELSE 0 END AS BIGINT) AS talk_seconds,
    CAST(CASE WHEN status = 'answered' THEN talk_seconds + hold_seconds + wrap_seconds ELSE 0 END AS BIGINT) AS handle_seconds
  FROM contact_legs
  ANTI JOIN multi_leg_contacts m ON m.contact_key = contact_legs.contact_key
  WHERE hash(customer_key) % getvariable('contact_chunks') = getvariable('contact_chunk')
),
contact_rows AS (
  SELECT * FROM single_leg
  UNION ALL BY NAME
  SELECT * FROM multi_leg_contacts
  WHERE hash(customer_key) % getvariable('contact_chunks') = getvariable('contact_chunk')
),
-- Reasons compare ignoring case, accents and spacing: one identity per distinct reason,
-- numbered, so that the window passes carry a number instead of text.
reason_identities AS (
  SELECT reason, dense_rank() OVER (ORDER BY identity) AS identity
  FROM (SELECT reason, reason_identity(reason) AS identity FROM (SELECT DISTINCT reason FROM legs_next))
  WHERE identity IS NOT NULL
),
contact_facts AS MATERIALIZED (
  SELECT
    contact_key, operator, protocol,
    customer_key, area.ddd, area.uf,
    CASE WHEN starts_with(customer_key, '+') THEN 'Internacional' ELSE area.region END AS region,
    started_at, local_date,
    direction, answered,
    direction = 'inbound' AND answered AND customer_key IS NOT NULL AS eligible,
    handling.agent_id, handling.agent_name, handling.supervisor, handling.team, handling.queue,
    handling.reason, handling.reason_category,
    legs, talk_seconds, handle_seconds,
    epoch_us(started_at) AS started_us,
    reason_identities.identity AS reason_identity
  FROM contact_rows
  LEFT JOIN area_codes area ON area.ddd = customer_key[1:2]
  LEFT JOIN reason_identities ON reason_identities.reason = handling.reason
),
-- Callbacks, episodes and attribution along each customer's timeline, in two window passes
-- and no join: a contact carries what a callback charged to it needs (`charge`), and the
-- window passes it on to the previous contact's successor and along the episode. The passes
-- sort every row they carry, so a contact's own fields travel only inside its charge, and they
-- sort numbers where they can: the customer as a number, the second pass by the contact's place
-- in the timeline that the first found.
sequenced AS (
  SELECT
    customer_id, started_us, charge,
    lag(charge) OVER customer_timeline AS previous_charge,
    started_us - lag(started_us) OVER customer_timeline AS gap_us,
    lead(started_us) OVER customer_timeline - started_us AS next_gap_us,
    row_number() OVER customer_timeline AS place
  FROM (
    SELECT customer_id(customer_key) AS customer_id, started_us, struct_pack(contact_key, local_date, agent_id, talk_seconds, legs, reason_identity) AS charge
    FROM contact_facts
    WHERE eligible
  )
  WINDOW customer_timeline AS (PARTITION BY customer_id ORDER BY started_us, charge.contact_key)
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
      PARTITION BY customer_id ORDER BY place ROWS UNBOUNDED PRECEDING
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
),
contact_callbacks AS (
  SELECT
    charge.contact_key AS contact_key, is_callback,
    previous_charge.contact_key AS prev_contact_key,
    origin_charge.contact_key AS origin_contact_key,
    charged_to.contact_key AS attributed_contact_key,
    charged_to.agent_id AS attributed_agent_id,
    CAST(gap_us AS DOUBLE) / 1000000 AS gap_seconds,
    CASE
      WHEN charged_to IS NULL THEN NULL
      WHEN date_diff('day', charged_to.local_date, charge.local_date) = 0 THEN 'same_day'
      WHEN date_diff('day', charged_to.local_date, charge.local_date) <= 3 THEN 'within_3_days'
      ELSE 'over_3_days'
    END AS bucket,
    CASE
      WHEN charged_to IS NULL THEN NULL
      WHEN charged_to.talk_seconds < getvariable('short_call_seconds') THEN 'short'
      WHEN charged_to.legs > 1 THEN 'transferred'
      WHEN charged_to.reason_identity IS NULL OR charge.reason_identity IS NULL THEN 'unknown'
      WHEN charged_to.reason_identity = charge.reason_identity THEN 'same_reason'
      ELSE 'different_reason'
    END AS cause,
    CASE
      WHEN next_gap_us <= getvariable('callback_window_seconds') * 1000000 THEN 'no'
      WHEN started_us + getvariable('callback_window_seconds') * 1000000
        > (SELECT epoch_us(max(started_at)) FROM legs_next) THEN 'pending'
      ELSE 'yes'
    END AS resolved
  FROM charged
)
SELECT
  c.contact_key, c.operator, c.protocol, c.customer_key, c.ddd, c.uf, c.region,
  c.started_at, c.local_date, c.direction, c.answered, c.eligible,
  c.agent_id, c.agent_name, c.supervisor, c.team, c.queue, c.reason, c.reason_category,
  c.legs, c.talk_seconds, c.handle_seconds,
  cb.is_callback, cb.prev_contact_key, cb.origin_contact_key, cb.attributed_contact_key,
  cb.attributed_agent_id, cb.gap_seconds, cb.bucket, cb.cause, cb.resolved
FROM contact_facts c
LEFT JOIN contact_callbacks cb ON cb.contact_key = c.contact_key;
