DROP TABLE sales_daily_sellers;
DROP TABLE sales_daily_payments;
