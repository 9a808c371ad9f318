-- Tables that persist across loads. Everything else is rebuilt from them; `legs` itself is
-- created by legs_table.sql (pipeline/warehouse.ts).
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
