-- Job records: one row per background job, kept current by the worker's JobRecords middleware.
-- depends: 0002_accounts
CREATE TABLE jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    actor text NOT NULL,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'dead')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- The outbox: the message's arguments until it is handed to Redis, then NULL (they may hold links
    -- with one-time tokens, which are not kept at rest).
    outbox_kwargs jsonb,
    enqueued_at timestamptz,
    result jsonb,
    error text,
    progress real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX jobs_user_newest ON jobs (user_id, created_at DESC, id DESC);
CREATE INDEX jobs_unsent ON jobs (created_at) WHERE enqueued_at IS NULL;
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

CREATE TRIGGER jobs_touch_updated_at BEFORE UPDATE ON jobs
    FOR EACH ROW EXECUTE FUNCTION ayni_touch_updated_at();
