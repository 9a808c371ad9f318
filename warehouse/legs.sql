-- legs: merges incoming_legs into the warehouse with the same rule as incoming_legs.sql,
-- the incoming record being the one loaded later.
DELETE FROM legs
USING incoming_legs n
WHERE legs.operator = n.operator
  AND legs.call_id = n.call_id
  AND coalesce(n.updated_at >= legs.updated_at, n.updated_at IS NOT NULL OR legs.updated_at IS NULL);

INSERT INTO legs
SELECT
  n.operator, n.call_id, n.protocol, n.direction, n.status, n.started_at,
  CAST(timezone(getvariable('timezone'), n.started_at) AS DATE) AS local_date,
  n.customer_number, n.agent_id, n.agent_name, n.supervisor, n.team, n.queue, n.reason,
  n.talk_seconds, n.hold_seconds, n.wrap_seconds, n.updated_at,
  k.customer_key, k.ddd, k.uf, k.region,
  rc.reason_category,
  n.source, n.location,
  CAST(getvariable('batch_id') AS BIGINT) AS batch_id, n.file_index, n.row_number
FROM incoming_legs n
LEFT JOIN customer_number_keys k ON k.customer_number = n.customer_number
LEFT JOIN reason_categories rc ON rc.reason = n.reason
WHERE NOT EXISTS (SELECT 1 FROM legs l WHERE l.operator = n.operator AND l.call_id = n.call_id);
