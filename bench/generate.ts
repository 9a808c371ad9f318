import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../pipeline/warehouse.ts';

/**
 * Writes `rows` canonical call legs with a realistic mix to a CSV file, generated in DuckDB so
 * that 10M rows take seconds: ~1,000 agents in teams, a customer population that calls back,
 * every phone format of SPEC §2, anonymous callers, transfers sharing a protocol, abandoned and
 * outbound calls, 90 days, and 1% of records re-sent with a later updated_at.
 */
export async function generateLegsCsv(rows: number, path: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const customers = Math.max(10, Math.floor(rows / 6));
  const ddds = "['11','11','11','11','21','21','31','41','51','61','71','81','85','27','48','62','91','92','98','19']";
  const reasons = "['Sem sinal','2ª via de boleto','2a Via Boleto','Fatura contestada','Cancelamento','Mudança de plano','Portabilidade','Lentidão','Reclamação Anatel','Cobrança indevida','Dúvida sobre fatura','Religação']";
  try {
    // A deterministic pseudo-random integer in [0, n) for each (value, salt).
    await connection.run('CREATE MACRO roll(x, salt, n) AS CAST(hash(x, salt) % n AS BIGINT)');
    await connection.run(`
      COPY (
        WITH legs AS (
          SELECT
            i,
            -- every 8th leg is the transfer of the leg before it: same protocol, 3 minutes later
            CASE WHEN i % 8 = 1 THEN i - 1 ELSE i END AS contact_id,
            i % 8 = 1 AS transfer
          FROM range(${rows}) t(i)
        ),
        shaped AS (
          SELECT
            *,
            roll(contact_id, 1, ${customers}) AS customer,
            roll(contact_id, 2, 100) AS direction_roll,
            roll(i, 3, 100) AS status_roll,
            roll(i, 4, 1000) AS agent,
            TIMESTAMPTZ '2026-08-29 11:00:00+00'
              + to_days(CAST(roll(contact_id, 5, 90) AS INTEGER))
              + to_seconds(CAST(roll(contact_id, 6, 43200) AS BIGINT))
              + CASE WHEN transfer THEN INTERVAL 3 MINUTE ELSE INTERVAL 0 MINUTE END AS started_at
          FROM legs
        ),
        described AS (
          SELECT
            *,
            ${ddds}[1 + roll(customer, 7, 20)] AS ddd,
            lpad(CAST(roll(customer, 8, 100000000) AS VARCHAR), 8, '0') AS subscriber,
            roll(customer, 9, 100) AS format_roll
          FROM shaped
        )
        SELECT
          'op' || (contact_id % 3) AS operator,
          'call-' || i AS call_id,
          CASE WHEN contact_id % 5 <> 0 THEN 'P' || contact_id END AS protocol,
          CASE WHEN direction_roll < 5 THEN 'outbound' ELSE 'inbound' END AS direction,
          CASE WHEN status_roll < 8 AND NOT transfer THEN 'abandoned' ELSE 'answered' END AS status,
          strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS started_at,
          CASE
            WHEN format_roll < 3 THEN 'anonymous'
            WHEN format_roll < 30 THEN '+55 (' || ddd || ') 9' || subscriber[1:4] || '-' || subscriber[5:]
            WHEN format_roll < 45 THEN '0' || ddd || '9' || subscriber
            WHEN format_roll < 55 THEN '015' || ddd || '9' || subscriber
            WHEN format_roll < 65 THEN '(' || ddd || ') ' || (6 + roll(customer, 10, 4)) || subscriber[2:4] || '-' || subscriber[5:]
            WHEN format_roll < 80 THEN ddd || ' ' || (2 + roll(customer, 10, 4)) || subscriber[2:4] || '-' || subscriber[5:]
            WHEN format_roll < 82 THEN '+1 415 ' || subscriber[1:3] || ' ' || subscriber[4:7]
            ELSE ddd || '9' || subscriber
          END AS customer_number,
          CASE WHEN status_roll < 8 AND NOT transfer THEN NULL ELSE 'ag' || agent END AS agent_id,
          CASE WHEN status_roll < 8 AND NOT transfer THEN NULL ELSE 'Atendente ' || agent END AS agent_name,
          'Supervisor ' || (agent // 50) AS supervisor,
          'Equipe ' || (agent // 10) AS team,
          ['suporte', 'financeiro', 'retencao'][1 + roll(contact_id, 11, 3)] AS queue,
          ${reasons}[1 + roll(contact_id, 12, 12)] AS reason,
          CASE WHEN status_roll < 8 AND NOT transfer THEN 0 ELSE 15 + roll(i, 13, 600) END AS talk_seconds,
          roll(i, 14, 60) AS hold_seconds,
          roll(i, 15, 45) AS wrap_seconds,
          NULL AS updated_at
        FROM described
        UNION ALL
        -- re-sent records: the later version wins
        SELECT 'op' || (i % 3), 'call-' || i, NULL, 'inbound', 'answered', '2026-11-20T12:00:00Z', '(11) 98765-4321',
          'ag1', 'Atendente 1', 'Supervisor 0', 'Equipe 0', 'suporte', 'Sem sinal', 60, 0, 0, '2026-11-21T00:00:00Z'
        FROM range(0, ${rows}, 100) t(i)
      ) TO ${sqlString(path)} (FORMAT csv, HEADER true)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
