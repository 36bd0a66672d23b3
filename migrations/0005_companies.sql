-- Companies, their locations, members and invitations (issue 12), with row-level security as the second wall
-- behind the membership checks in code. Every company table has company_id first in its primary key and in
-- the foreign keys between company tables, so the schema can later be distributed by company (DESIGN.md
-- "Scale") unchanged.
-- depends: 0004_app_role

CREATE TABLE companies (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                text NOT NULL,
    -- Chile's tax id, stored normalised ('76086428-5': no dots, dash, upper-case K); the API validates the
    -- check digit, the check keeps other writers to the one spelling, so UNIQUE compares like with like.
    rut                 text,
    industry            text NOT NULL,
    country             char(2) NOT NULL DEFAULT 'CL',
    timezone            text NOT NULL DEFAULT 'America/Santiago',
    currency            char(3) NOT NULL DEFAULT 'CLP',
    benchmarking_opt_in boolean NOT NULL DEFAULT true,
    -- Set when the deletion job is queued: from then on the company is gone for everyone (the policies below
    -- hide it from the app), while the job removes its data.
    deleting_since      timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT companies_rut_key UNIQUE (rut),
    CONSTRAINT companies_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    CONSTRAINT companies_rut_normalized CHECK (rut ~ '^[1-9][0-9]{0,8}-[0-9K]$'),
    CONSTRAINT companies_industry_present CHECK (industry <> ''),
    CONSTRAINT companies_country_code CHECK (country ~ '^[A-Z]{2}$'),
    CONSTRAINT companies_timezone_present CHECK (timezone <> ''),
    CONSTRAINT companies_currency_code CHECK (currency ~ '^[A-Z]{3}$')
);

CREATE TRIGGER companies_touch_updated_at BEFORE UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION ayni_touch_updated_at();

CREATE TABLE locations (
    company_id  uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    code        text NOT NULL,
    address     text,
    comuna      text,
    region      text,
    -- A location with sales is archived, never deleted: past figures still name it.
    archived_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    CONSTRAINT locations_code_key UNIQUE (company_id, code),
    CONSTRAINT locations_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    CONSTRAINT locations_code_length CHECK (char_length(btrim(code)) BETWEEN 1 AND 50)
);

CREATE TRIGGER locations_touch_updated_at BEFORE UPDATE ON locations
    FOR EACH ROW EXECUTE FUNCTION ayni_touch_updated_at();

CREATE TABLE memberships (
    company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, user_id),
    CONSTRAINT memberships_role CHECK (role IN ('owner', 'manager', 'analyst', 'viewer'))
);

-- "My companies": the primary key starts with company_id, so listing by user needs its own index.
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TRIGGER memberships_touch_updated_at BEFORE UPDATE ON memberships
    FOR EACH ROW EXECUTE FUNCTION ayni_touch_updated_at();

CREATE TABLE invitations (
    company_id  uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    -- Normalised by the API (trimmed, lower-case), like users.email.
    email       text NOT NULL,
    -- Any of the four: an owner may invite another owner (DESIGN.md); who may invite which role is the API's.
    role        text NOT NULL,
    -- SHA-256 of the emailed token; the token itself is never stored.
    token_hash  bytea NOT NULL,
    invited_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash),
    CONSTRAINT invitations_token_hash_sha256 CHECK (octet_length(token_hash) = 32),
    CONSTRAINT invitations_email_normalized CHECK (
        email = lower(btrim(email)) AND char_length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1
    ),
    CONSTRAINT invitations_role CHECK (role IN ('owner', 'manager', 'analyst', 'viewer')),
    CONSTRAINT invitations_closed_once CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);

-- One open invitation per address and company. An expired one still counts as open: re-inviting revokes the
-- old one (its link dies) and inserts the new one, in one transaction.
CREATE UNIQUE INDEX invitations_one_open ON invitations (company_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Row-level security. Policies name ayni_app only: the tables' owner (the migration user) bypasses them, and
-- so does a superuser whatever we write, which is why the app switches role on every connection.
--
-- Not FORCE ROW LEVEL SECURITY: FORCE would subject the owner too, but (1) the app never runs as the owner:
-- ayni/db.py switches role before a pooled connection is first handed out, and a connection that cannot
-- switch is never handed out (503); (2) with a superuser DATABASE_URL (Railway's) FORCE changes nothing;
-- (3) the SECURITY DEFINER functions below (invitation_by_token, company_mark_deleting, company_purge) act as
-- the owner precisely to reach rows no policy shows the app, which FORCE would break for a non-superuser
-- owner; (4) the owner's own maintenance (migrations, backfills) must see every company.
ALTER TABLE companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE locations ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;

-- A company being deleted is hidden by policy, not by every query remembering to: once deleting_since is set,
-- no policy lets ayni_app read, update or delete its companies row, so any lookup or membership check that
-- goes through companies finds nothing (404 for everyone). PostgreSQL checks an UPDATE's new row against the
-- SELECT policies too, so the app cannot set deleting_since itself, and a DELETE with a WHERE needs SELECT's
-- policy: both steps are the two SECURITY DEFINER functions at the end, which act on app_company_id() only.
-- The company's rows in the other tables stay reachable by company_id, so the deletion job may remove them in
-- batches (under tenant(company_id=...)) before company_purge() removes the company and whatever is left.
-- Creating a company: the app picks its id, sets app.company_id to it, then inserts.
CREATE POLICY companies_tenant_read ON companies FOR SELECT TO ayni_app
    USING (id = app_company_id() AND deleting_since IS NULL);
-- Listing my companies before any company is chosen. memberships' policies never read companies, so the
-- policies cannot recurse.
CREATE POLICY companies_member_read ON companies FOR SELECT TO ayni_app
    USING (deleting_since IS NULL
           AND id IN (SELECT m.company_id FROM memberships m WHERE m.user_id = app_user_id()));
CREATE POLICY companies_tenant_insert ON companies FOR INSERT TO ayni_app
    WITH CHECK (id = app_company_id() AND deleting_since IS NULL);
CREATE POLICY companies_tenant_update ON companies FOR UPDATE TO ayni_app
    USING (id = app_company_id() AND deleting_since IS NULL)
    WITH CHECK (id = app_company_id() AND deleting_since IS NULL);

CREATE POLICY locations_tenant ON locations FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());

CREATE POLICY memberships_tenant ON memberships FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());
-- A user's own memberships, in every company (read only): "my companies" and the membership check.
CREATE POLICY memberships_mine ON memberships FOR SELECT TO ayni_app
    USING (user_id = app_user_id());

CREATE POLICY invitations_tenant ON invitations FOR ALL TO ayni_app
    USING (company_id = app_company_id()) WITH CHECK (company_id = app_company_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON companies, locations, memberships, invitations TO ayni_app;

-- Accepting an invitation comes before the user is a member and before the company is known, so no policy
-- can let the app find it. This function can, as its owner (who bypasses RLS), and returns the one matching
-- invitation's fields the acceptance needs, nothing else; the app then sets app.company_id to its company and
-- goes on under RLS. Invitations of a company being deleted are not found. search_path is pinned so that no
-- object another role could create shadows the ones named here.
CREATE FUNCTION invitation_by_token(token_hash bytea)
RETURNS TABLE (
    company_id uuid, id uuid, email text, role text,
    expires_at timestamptz, accepted_at timestamptz, revoked_at timestamptz
)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT i.company_id, i.id, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at
    FROM public.invitations i
    JOIN public.companies c ON c.id = i.company_id
    WHERE i.token_hash = invitation_by_token.token_hash AND c.deleting_since IS NULL
$$;

REVOKE EXECUTE ON FUNCTION invitation_by_token(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION invitation_by_token(bytea) TO ayni_app;

-- Deleting a company, step 1 (the request, with the job queued in the same transaction): the company of
-- app.company_id is marked, and from then on is gone for the app. True if it was live and is now marked.
CREATE FUNCTION company_mark_deleting() RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    WITH marked AS (
        UPDATE public.companies SET deleting_since = now()
        WHERE id = public.app_company_id() AND deleting_since IS NULL
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM marked)
$$;

-- Step 2 (the job, last): the company of app.company_id, only if it was marked, and by the foreign keys' ON
-- DELETE CASCADE every row of it that is left. A live company can never be removed through this.
CREATE FUNCTION company_purge() RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    WITH purged AS (
        DELETE FROM public.companies
        WHERE id = public.app_company_id() AND deleting_since IS NOT NULL
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM purged)
$$;

REVOKE EXECUTE ON FUNCTION company_mark_deleting(), company_purge() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION company_mark_deleting(), company_purge() TO ayni_app;
