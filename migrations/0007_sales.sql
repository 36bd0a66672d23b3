-- Sales imports (issue 13): the uploaded files and their imports, products, the sale lines (the source of truth)
-- and the three rollups dashboards read, all maintained by one transaction per import (ayni/sales/load.py).
-- Company tables as in 0005: company_id first in every key, row-level security for ayni_app.
-- depends: 0006_app_enter

-- data_version: bumped by every import that commits and every undo, so analytics' ETags change with the data.
-- customer_key: the company's HMAC key for customer hashes (two random UUIDs: 32 bytes); never shown.
ALTER TABLE companies
    ADD COLUMN data_version bigint NOT NULL DEFAULT 0,
    ADD COLUMN is_demo boolean NOT NULL DEFAULT false,
    ADD COLUMN customer_key bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

-- updated_at says when the company's profile last changed: an import bumping data_version is not such a change,
-- so the trigger now fires for the profile's columns only.
DROP TRIGGER companies_touch_updated_at ON companies;
CREATE TRIGGER companies_touch_updated_at
    BEFORE UPDATE OF name, rut, industry, country, timezone, currency, benchmarking_opt_in ON companies
    FOR EACH ROW EXECUTE FUNCTION ayni_touch_updated_at();

CREATE TABLE imports (
    company_id     uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    filename       text NOT NULL,
    media_type     text NOT NULL,
    bytes          bigint NOT NULL DEFAULT 0,
    -- Known once the upload has been streamed in whole.
    sha256         bytea,
    status         text NOT NULL DEFAULT 'analyzing',
    start_mode     text NOT NULL DEFAULT 'manual',
    options        jsonb,
    phase          text,
    rows_done      bigint NOT NULL DEFAULT 0,
    rows_total     bigint,
    preview        jsonb,
    summary        jsonb,
    errors         jsonb NOT NULL DEFAULT '[]',
    lines_rejected int,
    job_id         uuid,
    created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    file_purged_at timestamptz,
    PRIMARY KEY (company_id, id),
    CONSTRAINT imports_status CHECK (
        status IN ('analyzing', 'ready', 'importing', 'succeeded', 'failed', 'reverting', 'reverted')
    ),
    CONSTRAINT imports_start_mode CHECK (start_mode IN ('auto', 'manual')),
    CONSTRAINT imports_sha256_length CHECK (octet_length(sha256) = 32),
    CONSTRAINT imports_bytes_positive CHECK (bytes >= 0)
);

-- The company's imports, newest first (keyset paging), and "the same file twice" (409 duplicate-import).
CREATE INDEX imports_newest ON imports (company_id, created_at DESC, id DESC);
CREATE INDEX imports_sha256 ON imports (company_id, sha256);

-- The uploaded file ('upload') and the rejected rows ('rejected', rejected.csv), each in chunks of bytes: a file
-- is streamed in and out chunk by chunk, never whole in memory.
CREATE TABLE import_files (
    company_id uuid NOT NULL,
    import_id  uuid NOT NULL,
    kind       text NOT NULL,
    seq        int NOT NULL,
    data       bytea NOT NULL,
    PRIMARY KEY (company_id, import_id, kind, seq),
    FOREIGN KEY (company_id, import_id) REFERENCES imports (company_id, id) ON DELETE CASCADE,
    CONSTRAINT import_files_kind CHECK (kind IN ('upload', 'rejected')),
    CONSTRAINT import_files_seq CHECK (seq >= 0)
);

-- key: 'sku:<sku>', or 'name:<casefolded name>' when the POS writes no sku (ayni/sales/parse.py); name and
-- category follow the latest import that names them.
CREATE TABLE products (
    company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    key        text NOT NULL,
    sku        text,
    name       text,
    category   text,
    PRIMARY KEY (company_id, id),
    CONSTRAINT products_key_key UNIQUE (company_id, key)
);

-- One row per line of a ticket, as the file said it (customer as a keyed hash). Undo is by import_id, which
-- the primary key leads with after company_id; replacing a (location, day) goes through the index after it.
--
-- No foreign keys here, by measurement (bench/load_paths.py, a million lines): checking each inserted line's
-- company, location and product is an index lookup and a row lock per key per line, and took inserting the
-- lines from 3.3 s to 13.7 s (the whole load from 13 s to 24 s), with the import's a fourth. The rows have one
-- writer, the import's transaction, which finds or creates the locations and products it names first, under
-- the same RLS; and nothing deletes those while lines name them: a location with sales is archived, never
-- deleted (ayni/companies/store.py location_has_sales), products and imports go only with their company, whose
-- deletion job empties this table first (COMPANY_TABLES).
CREATE TABLE sale_lines (
    company_id     uuid NOT NULL,
    import_id      uuid NOT NULL,
    row            int NOT NULL,
    location_id    uuid NOT NULL,
    sold_at        timestamptz NOT NULL,
    day            date NOT NULL,
    hour           smallint NOT NULL,
    ticket         text NOT NULL,
    document_type  text,
    product_id     uuid NOT NULL,
    quantity       numeric(18, 4) NOT NULL,
    amount         numeric(18, 4) NOT NULL,
    cost           numeric(18, 4),
    discount       numeric(18, 4),
    is_return      boolean NOT NULL,
    payment_method text,
    seller         text,
    customer       bytea,
    PRIMARY KEY (company_id, import_id, row),
    CONSTRAINT sale_lines_hour CHECK (hour BETWEEN 0 AND 23)
);

CREATE INDEX sale_lines_location_day ON sale_lines (company_id, location_id, day);

-- The rollups, always equal to what sale_lines say for their group (recomputed for every touched (location,
-- day) in the transaction that touches it; one definition: ayni/sales/rollups.py). Money and units are sums of
-- numeric(18, 4), unbounded here so no sum can overflow. revenue is net of returns; returns and units_returned
-- are positive; cost and costed_revenue cover only the lines with a cost (margin coverage); tickets count
-- distinct sale tickets, return_tickets the return ones; customers is NULL when no line of the group names one.
-- Same reasoning as sale_lines for their lack of foreign keys.
CREATE TABLE sales_daily (
    company_id     uuid NOT NULL,
    location_id    uuid NOT NULL,
    day            date NOT NULL,
    revenue        numeric NOT NULL,
    returns        numeric NOT NULL,
    discounts      numeric NOT NULL,
    cost           numeric NOT NULL,
    costed_revenue numeric NOT NULL,
    units          numeric NOT NULL,
    units_returned numeric NOT NULL,
    tickets        int NOT NULL,
    return_tickets int NOT NULL,
    lines          int NOT NULL,
    customers      int,
    PRIMARY KEY (company_id, location_id, day)
);

CREATE TABLE sales_daily_products (
    company_id     uuid NOT NULL,
    location_id    uuid NOT NULL,
    day            date NOT NULL,
    product_id     uuid NOT NULL,
    revenue        numeric NOT NULL,
    returns        numeric NOT NULL,
    discounts      numeric NOT NULL,
    cost           numeric NOT NULL,
    costed_revenue numeric NOT NULL,
    units          numeric NOT NULL,
    units_returned numeric NOT NULL,
    tickets        int NOT NULL,
    return_tickets int NOT NULL,
    lines          int NOT NULL,
    customers      int,
    PRIMARY KEY (company_id, location_id, day, product_id)
);

CREATE TABLE sales_hourly (
    company_id     uuid NOT NULL,
    location_id    uuid NOT NULL,
    day            date NOT NULL,
    hour           smallint NOT NULL,
    revenue        numeric NOT NULL,
    returns        numeric NOT NULL,
    discounts      numeric NOT NULL,
    cost           numeric NOT NULL,
    costed_revenue numeric NOT NULL,
    units          numeric NOT NULL,
    units_returned numeric NOT NULL,
    tickets        int NOT NULL,
    return_tickets int NOT NULL,
    lines          int NOT NULL,
    customers      int,
    PRIMARY KEY (company_id, location_id, day, hour)
);

-- Row-level security as in 0005 (enabled, not forced; the reasons are written there).
ALTER TABLE imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE products ENABLE ROW LEVEL SECURITY;
ALTER TABLE sale_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales_daily_products ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales_hourly ENABLE ROW LEVEL SECURITY;

CREATE POLICY imports_tenant ON imports FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());
CREATE POLICY import_files_tenant ON import_files FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());
CREATE POLICY products_tenant ON products FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());
CREATE POLICY sale_lines_tenant ON sale_lines FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());
CREATE POLICY sales_daily_tenant ON sales_daily FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());
CREATE POLICY sales_daily_products_tenant ON sales_daily_products FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());
CREATE POLICY sales_hourly_tenant ON sales_hourly FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());

GRANT SELECT, INSERT, UPDATE, DELETE
    ON imports, import_files, products, sale_lines, sales_daily, sales_daily_products, sales_hourly TO ayni_app;
