-- contacts_table: an empty `contacts_next`, in the shape of `contacts` (SPEC §6). contacts.sql
-- fills it and warehouse_swap.sql puts it in place. The columns that are (nearly) unique per
-- contact, its own key and those of the contacts it points to, are stored uncompressed: ZSTD
-- would save disk at a cost in CPU on every load (docs/decisions.md, "The warehouse file").
CREATE OR REPLACE TABLE contacts_next (
  contact_key             VARCHAR NOT NULL USING COMPRESSION uncompressed,
  operator                VARCHAR NOT NULL,
  protocol                VARCHAR USING COMPRESSION uncompressed,
  customer_key            VARCHAR USING COMPRESSION uncompressed,
  ddd                     VARCHAR,
  uf                      VARCHAR,
  region                  VARCHAR,
  started_at              TIMESTAMPTZ NOT NULL,
  local_date              DATE NOT NULL,
  direction               VARCHAR NOT NULL,
  answered                BOOLEAN NOT NULL,
  eligible                BOOLEAN NOT NULL,
  agent_id                VARCHAR,
  agent_name              VARCHAR,
  supervisor              VARCHAR,
  team                    VARCHAR,
  queue                   VARCHAR,
  reason                  VARCHAR,
  reason_category         VARCHAR,
  legs                    BIGINT NOT NULL,
  talk_seconds            BIGINT NOT NULL,
  handle_seconds          BIGINT NOT NULL,
  -- Callback columns: NULL for contacts that are not eligible.
  is_callback             BOOLEAN,
  prev_contact_key        VARCHAR USING COMPRESSION uncompressed,
  origin_contact_key      VARCHAR USING COMPRESSION uncompressed,
  attributed_contact_key  VARCHAR USING COMPRESSION uncompressed,
  attributed_agent_id     VARCHAR,
  gap_seconds             DOUBLE,
  bucket                  VARCHAR,
  cause                   VARCHAR,
  resolved                VARCHAR
);
