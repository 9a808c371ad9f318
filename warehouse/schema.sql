-- Tables that persist across loads. Everything else is rebuilt from them.
CREATE TABLE IF NOT EXISTS legs (
  operator         VARCHAR NOT NULL,
  call_id          VARCHAR NOT NULL,
  protocol         VARCHAR,
  direction        VARCHAR NOT NULL,
  status           VARCHAR NOT NULL,
  started_at       TIMESTAMPTZ NOT NULL,
  local_date       DATE NOT NULL,
  customer_number  VARCHAR,
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
  customer_key     VARCHAR,
  ddd              VARCHAR,
  uf               VARCHAR,
  region           VARCHAR,
  reason_category  VARCHAR,
  source           VARCHAR NOT NULL,
  location         VARCHAR NOT NULL,
  -- Load order, for "the one loaded last wins" among exact duplicates.
  batch_id         BIGINT NOT NULL,
  file_index       BIGINT NOT NULL,
  row_number       BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS rejected_legs (
  source       VARCHAR NOT NULL,
  location     VARCHAR NOT NULL,
  raw_payload  VARCHAR,
  reason       VARCHAR NOT NULL,
  loaded_at    TIMESTAMPTZ NOT NULL,
  batch_id     BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS load_batches (
  batch_id     BIGINT NOT NULL,
  started_at   TIMESTAMPTZ NOT NULL,
  sources      VARCHAR[] NOT NULL,
  read         BIGINT NOT NULL,
  loaded       BIGINT NOT NULL,
  duplicates   BIGINT NOT NULL,
  rejected     BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS warehouse_meta (
  key    VARCHAR NOT NULL,
  value  VARCHAR
);
