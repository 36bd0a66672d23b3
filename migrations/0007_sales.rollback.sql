-- Grants and policies go with their tables.
DROP TABLE sales_hourly, sales_daily_products, sales_daily, sale_lines, products, import_files, imports;

DROP TRIGGER companies_touch_updated_at ON companies;
CREATE TRIGGER companies_touch_updated_at BEFORE UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION ayni_touch_updated_at();

ALTER TABLE companies DROP COLUMN customer_key, DROP COLUMN is_demo, DROP COLUMN data_version;
