-- kpi_callback_facts: one row per callback with the ATTRIBUTED contact's operator, agent, team,
-- supervisor, queue, reason and place (DDD, UF, region: the customer's, shared by both) (SPEC §4–5), joined once here so every callback KPI model and the
-- dashboard's lists read it instead of repeating the self-join of `contacts`.
CREATE OR REPLACE TABLE kpi_callback_facts AS
SELECT
    callback.contact_key,
    callback.local_date,
    callback.started_at,
    callback.customer_key,
    callback.bucket,
    callback.cause,
    origin.contact_key AS attributed_contact_key,
    origin.operator,
    origin.agent_id,
    origin.agent_name,
    origin.supervisor,
    origin.team,
    origin.queue,
    origin.reason,
    origin.reason_category,
    origin.ddd,
    origin.uf,
    origin.region
FROM contacts AS callback
JOIN contacts AS origin ON origin.contact_key = callback.attributed_contact_key
WHERE callback.is_callback;
