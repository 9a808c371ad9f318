-- multi_leg_contacts: the contacts of `legs_next` with several legs (SPEC §3), one row each
-- with the facts contacts.sql describes. Most contacts have a single leg and need no
-- aggregation; aggregating only the others keeps the aggregate's state (which DuckDB cannot
-- spill as easily as a join) small, and contacts.sql tells the single-leg ones apart by joining
-- these few keys. Every leg counts: one without protocol whose call_id is another's protocol
-- shares its key (docs/decisions.md).

-- contact_legs: each leg with its contact's key, its place among the contact's legs, and the
-- fields a handling leg gives its contact; contacts.sql reads it too.
CREATE OR REPLACE TEMP VIEW contact_legs AS
SELECT
  l.*,
  l.operator || ':' || coalesce(l.protocol, l.call_id) AS contact_key,
  struct_pack(l.started_at, l.call_id) AS leg_order,
  struct_pack(l.agent_id, l.agent_name, l.supervisor, l.team, l.queue, l.reason, l.reason_category) AS handling_fields
FROM legs_next l;

CREATE OR REPLACE TEMP TABLE multi_leg_contacts AS
WITH multi_leg_keys AS (
  SELECT contact_key, CAST(count(*) AS BIGINT) AS legs
  FROM contact_legs
  GROUP BY contact_key
  HAVING count(*) > 1
)
SELECT
  contact_key,
  any_value(operator) AS operator,
  any_value(protocol) AS protocol,
  min(started_at) AS started_at,
  -- The first leg's local date, as computed for legs_next.
  arg_min(local_date, leg_order) AS local_date,
  arg_min(direction, leg_order) AS direction,
  bool_or(status = 'answered') AS answered,
  arg_min(customer_key, leg_order) FILTER (WHERE customer_key IS NOT NULL) AS customer_key,
  -- The handling leg: the answered leg that started last (tie: greatest call_id).
  arg_max(handling_fields, leg_order) FILTER (WHERE status = 'answered') AS handling,
  any_value(k.legs) AS legs,
  CAST(coalesce(sum(talk_seconds) FILTER (WHERE status = 'answered'), 0) AS BIGINT) AS talk_seconds,
  CAST(coalesce(sum(talk_seconds + hold_seconds + wrap_seconds) FILTER (WHERE status = 'answered'), 0) AS BIGINT)
    AS handle_seconds
FROM contact_legs
JOIN multi_leg_keys k USING (contact_key)
GROUP BY contact_key;
