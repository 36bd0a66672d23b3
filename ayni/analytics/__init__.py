"""Analytics (issue 14, docs/analytics.md): metric definitions and periods (pure), the rollup queries and the
dashboard routes. Answers read the rollups `ayni.sales` keeps, never the sale lines."""
