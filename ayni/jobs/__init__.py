"""Background jobs: Dramatiq on Redis, with a job record per message kept by middleware."""
