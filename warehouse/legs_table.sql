-- legs_table: an empty `legs_next`, in the shape of `legs` (SPEC §6). legs.sql fills it and
-- warehouse_swap.sql puts it in place; a new warehouse starts with an empty one as `legs`.
-- Columns that are (nearly) unique per leg skip DuckDB's default analysis (dictionary + FSST),
-- which costs twice the CPU on them for little disk. The keys every load reads again (call ids,
-- protocols, customer keys: contacts are built from them) are stored uncompressed, which writes
-- and reads them fastest; the raw number and the location, written and seldom read, with ZSTD
-- (docs/decisions.md, "The warehouse file").
CREATE OR REPLACE TABLE legs_next (
  operator         VARCHAR NOT NULL,
  call_id          VARCHAR NOT NULL USING COMPRESSION uncompressed,
  protocol         VARCHAR USING COMPRESSION uncompressed,
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
  customer_key     VARCHAR USING COMPRESSION uncompressed,
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
