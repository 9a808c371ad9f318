-- What the KPI tables were built from, as recorded under `kpi_stamp` in warehouse_meta: the row
-- counts of contacts and legs and the rest of warehouse_meta, which every load rewrites (watermark,
-- batch_id, recomputed_at, derivation fingerprint), and the KPI tables' columns (an older version of the
-- models may have rebuilt them since). Tables stamped with another value are stale.
SELECT concat_ws('|',
    (SELECT count(*) FROM contacts),
    (SELECT count(*) FROM legs),
    (SELECT string_agg(key || '=' || coalesce(value, ''), ';' ORDER BY key, value) FROM warehouse_meta WHERE key <> 'kpi_stamp'),
    (SELECT string_agg(table_name || '.' || column_name, ';' ORDER BY table_name, column_index)
     FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name LIKE 'kpi\_%' ESCAPE '\')
) AS stamp;
