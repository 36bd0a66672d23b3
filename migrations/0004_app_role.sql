-- The role the API and the worker run as (SET ROLE ayni_app on every pooled connection, ayni/db.py): it owns
-- nothing, so row-level security applies to it even when DATABASE_URL is a superuser (Railway's is), which
-- bypasses RLS itself. NOLOGIN: nobody connects as it, one only switches to it.
-- depends: 0003_jobs

-- Roles belong to the whole server, not to one database: several databases of one server (the tests' scratch
-- databases, staging beside production) share it, so it is created only when missing.
DO $$
DECLARE
    can_switch boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ayni_app') THEN
        CREATE ROLE ayni_app NOLOGIN;
    END IF;
    -- SET ROLE needs membership. A superuser may switch to any role and needs no grant. A non-superuser
    -- owner with CREATEROLE does: before PostgreSQL 16 creating a role grants its creator nothing; from 16 on
    -- the creator gets ADMIN OPTION only (no SET, unless createrole_self_grant says so), and 'SET' is the
    -- privilege pg_has_role has to report. Such an owner may grant the role to itself, which it does here,
    -- once. (An owner that may not is refused here, with a message saying what to do, not later at start-up.)
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        IF current_setting('server_version_num')::int >= 160000 THEN
            can_switch := pg_has_role(current_user, 'ayni_app', 'SET');
        ELSE
            can_switch := pg_has_role(current_user, 'ayni_app', 'MEMBER');
        END IF;
        IF NOT can_switch THEN
            BEGIN
                EXECUTE format('GRANT ayni_app TO %I', current_user);
            EXCEPTION WHEN insufficient_privilege THEN
                -- From 16 on, granting a role takes ADMIN OPTION on it, which only its creator got: the role
                -- was made by another user of this server (another database's owner, or a superuser).
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = format(
                    'the role ayni_app exists but %I may not switch to it: a superuser must run GRANT ayni_app TO %I',
                    current_user, current_user);
            END;
        END IF;
    END IF;
END
$$;

-- Every table the app reads and writes today. They hold no company's data (no RLS); the role only needs the
-- rights. None has a sequence (ids are gen_random_uuid()), so there is no USAGE to grant.
GRANT SELECT, INSERT, UPDATE, DELETE ON users, auth_sessions, auth_one_time_tokens, jobs TO ayni_app;

-- The tenant of the current transaction, as ayni.tenancy's tenant() sets it with set_config(..., true) (SET
-- LOCAL semantics). NULL when unset: missing_ok=true makes an unknown setting '' instead of an error, and a
-- setting set once in the session and then reset also reads ''; NULL matches no row in a policy.
CREATE FUNCTION app_company_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('app.company_id', true), '')::uuid
$$;

CREATE FUNCTION app_user_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('app.user_id', true), '')::uuid
$$;
