-- agent_kpis: SPEC §5 per agent over the local dates [period_from, period_to].
-- Agent attributes are those of the agent's latest answered leg up to the period's end.
CREATE OR REPLACE TEMP TABLE agent_kpis AS
WITH period_contacts AS (
  SELECT * FROM contacts
  WHERE local_date BETWEEN getvariable('period_from') AND getvariable('period_to')
),
handled AS (
  SELECT
    agent_id,
    CAST(count(*) AS BIGINT) AS contacts,
    CAST(count(*) FILTER (WHERE resolved = 'yes') AS BIGINT) AS fcr_yes,
    CAST(count(*) FILTER (WHERE resolved = 'no') AS BIGINT) AS fcr_no,
    CAST(count(*) FILTER (WHERE resolved = 'pending') AS BIGINT) AS pending
  FROM period_contacts WHERE eligible GROUP BY agent_id
),
charged AS (
  SELECT
    attributed_agent_id AS agent_id,
    CAST(count(*) AS BIGINT) AS callbacks,
    CAST(count(*) FILTER (WHERE bucket = 'same_day') AS BIGINT) AS same_day,
    CAST(count(*) FILTER (WHERE bucket = 'within_3_days') AS BIGINT) AS within_3_days,
    CAST(count(*) FILTER (WHERE bucket = 'over_3_days') AS BIGINT) AS over_3_days
  FROM period_contacts WHERE is_callback GROUP BY attributed_agent_id
),
handle_times AS (
  SELECT agent_id, avg(talk_seconds + hold_seconds + wrap_seconds) AS aht_seconds
  FROM legs
  WHERE status = 'answered' AND local_date BETWEEN getvariable('period_from') AND getvariable('period_to')
  GROUP BY agent_id
),
profiles AS (
  -- Latest by start, then call_id, then operator: two operators may reuse a call_id.
  SELECT agent_id, arg_max(struct_pack(agent_name, supervisor, team), struct_pack(started_at, call_id, operator)) AS profile
  FROM legs WHERE status = 'answered' AND local_date <= getvariable('period_to')
  GROUP BY agent_id
),
agents AS (
  SELECT agent_id FROM handled UNION SELECT agent_id FROM charged UNION SELECT agent_id FROM handle_times
)
SELECT
  a.agent_id, p.profile.agent_name, p.profile.supervisor, p.profile.team,
  coalesce(h.contacts, 0) AS contacts,
  coalesce(c.callbacks, 0) AS callbacks,
  coalesce(c.same_day, 0) AS same_day,
  coalesce(c.within_3_days, 0) AS within_3_days,
  coalesce(c.over_3_days, 0) AS over_3_days,
  CAST(coalesce(c.callbacks, 0) AS DOUBLE) / nullif(h.contacts, 0) AS callback_rate,
  CAST(h.fcr_yes AS DOUBLE) / nullif(h.fcr_yes + h.fcr_no, 0) AS fcr,
  coalesce(h.fcr_yes, 0) AS fcr_yes,
  coalesce(h.fcr_no, 0) AS fcr_no,
  coalesce(h.pending, 0) AS pending,
  t.aht_seconds
FROM agents a
LEFT JOIN handled h USING (agent_id)
LEFT JOIN charged c USING (agent_id)
LEFT JOIN handle_times t USING (agent_id)
LEFT JOIN profiles p USING (agent_id)
WHERE a.agent_id IS NOT NULL
ORDER BY a.agent_id;
