"""Analytics: metric definitions (pure), rollup queries, dashboard routes (issue 14). Empty until then: the layer
test covers it from the start."""
