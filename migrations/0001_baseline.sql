-- The baseline: helpers every later migration may use. (gen_random_uuid() is built into PostgreSQL 13+.)
-- Keeps updated_at current on any table that installs it as a BEFORE UPDATE trigger.
CREATE FUNCTION ayni_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
