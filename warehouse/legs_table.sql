-- legs_table: an empty `legs_next`, in the shape of `legs` (SPEC §6). legs.sql fills it and
-- warehouse_swap.sql puts it in place; a new warehouse starts with an empty one as `legs`.
-- Columns that are (nearly) unique per leg are written with ZSTD: DuckDB's default analysis
-- (dictionary + FSST) costs twice the CPU on them for ≈ 20 % less disk (docs/benchmarks.md).
CREATE OR REPLACE TABLE legs_next (
  operator         VARCHAR NOT NULL,
  call_id          VARCHAR NOT NULL USING COMPRESSION zstd,
  protocol         VARCHAR USING COMPRESSION zstd,
  direction        VARCHAR NOT NULL,
  status           VARCHAR NOT NULL,
  started_at       TIMESTAMPTZ NOT NULL,
  local_date       DATE NOT NULL,
  customer_number  VARCHAR USING COMPRESSION zstd,
  agent_id         VARCHAR,
  agent_name       VARCHAR,
  supervisor       VARCHAR,
  team             VARCHAR,
  queue            VARCHAR,
  reason           VARCHAR,
  talk_seconds     BIGINT NOT NULL,
  hold_seconds     BIGINT NOT NULL,
  wrap_seconds     BIGINT NOT NULL,
  updated_at       TIMESTAMPTZ,
  customer_key     VARCHAR USING COMPRESSION zstd,
  ddd              VARCHAR,
  uf               VARCHAR,
  region           VARCHAR,
  reason_category  VARCHAR,
  source           VARCHAR NOT NULL,
  location         VARCHAR NOT NULL USING COMPRESSION zstd,
  -- Load order, for "the one loaded last wins" among exact duplicates.
  batch_id         BIGINT NOT NULL,
  file_index       BIGINT NOT NULL,
  row_number       BIGINT NOT NULL
);
