-- Two more rollups of sale lines, by (location, day, payment method) and (location, day, seller), so analytics'
-- breakdowns by payment method and by seller read rollups, never the lines (DESIGN.md "Analytics"). The same
-- measures as the rollups of 0007, kept equal to the lines by the same transactions (ayni/sales/rollups.py).
-- A line that names no payment method (or seller) counts under '' : a key column cannot be NULL, and parsing
-- turns a blank value into NULL, so '' stands for "not given" and nothing else.
-- depends: 0008_import_retention

CREATE TABLE sales_daily_payments (
    company_id     uuid NOT NULL,
    location_id    uuid NOT NULL,
    day            date NOT NULL,
    payment_method text NOT NULL,
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
    PRIMARY KEY (company_id, location_id, day, payment_method)
);

CREATE TABLE sales_daily_sellers (
    company_id     uuid NOT NULL,
    location_id    uuid NOT NULL,
    day            date NOT NULL,
    seller         text NOT NULL,
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
    PRIMARY KEY (company_id, location_id, day, seller)
);

ALTER TABLE sales_daily_payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales_daily_sellers ENABLE ROW LEVEL SECURITY;
CREATE POLICY sales_daily_payments_tenant ON sales_daily_payments FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());
CREATE POLICY sales_daily_sellers_tenant ON sales_daily_sellers FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON sales_daily_payments, sales_daily_sellers TO ayni_app;

-- The lines already loaded, rolled up as an import would (the measures of ayni/sales/rollups.py, as of now).
INSERT INTO sales_daily_payments
SELECT company_id, location_id, day, coalesce(payment_method, ''),
       sum(amount), coalesce(sum(-amount) FILTER (WHERE is_return), 0), coalesce(sum(discount), 0),
       coalesce(sum(cost), 0), coalesce(sum(amount) FILTER (WHERE cost IS NOT NULL), 0), sum(quantity),
       coalesce(sum(-quantity) FILTER (WHERE is_return), 0), count(DISTINCT ticket) FILTER (WHERE NOT is_return),
       count(DISTINCT ticket) FILTER (WHERE is_return), count(*), nullif(count(DISTINCT customer), 0)
FROM sale_lines GROUP BY company_id, location_id, day, coalesce(payment_method, '');

INSERT INTO sales_daily_sellers
SELECT company_id, location_id, day, coalesce(seller, ''),
       sum(amount), coalesce(sum(-amount) FILTER (WHERE is_return), 0), coalesce(sum(discount), 0),
       coalesce(sum(cost), 0), coalesce(sum(amount) FILTER (WHERE cost IS NOT NULL), 0), sum(quantity),
       coalesce(sum(-quantity) FILTER (WHERE is_return), 0), count(DISTINCT ticket) FILTER (WHERE NOT is_return),
       count(DISTINCT ticket) FILTER (WHERE is_return), count(*), nullif(count(DISTINCT customer), 0)
FROM sale_lines GROUP BY company_id, location_id, day, coalesce(seller, '');
