-- The session check folded into the company's one statement: app_locations (0011) and app_company_state (0010)
-- each get a form that also takes the caller's session id and checks, in the same statement, what every other
-- signed-in request checks first in a round trip of its own (ayni/auth/store.py session_user): the session is
-- not revoked, not expired, and its user not disabled. The locations list and an analytics answer kept or
-- unchanged (304) are then one round trip each, like GET /auth/me (routes of Access.TOKEN, ayni/routing.py).
--
-- Three outcomes, told apart by the rows:
--   no row                     the session ended (401, the same answer as authenticate's)
--   one row, role NULL         a live session, not a member, or the company is being deleted (404)
--   rows with the role         a member: app_locations gives a row per location (one row of only the role
--                              when there are none), app_company_state the company's state
--
-- The two-argument forms stay, and the new ones call them once the session is known to be live: the API release
-- before this one calls them while the new one starts (migrations run before the new release serves and must suit
-- the release before them). A later migration that drops them moves their bodies here.
-- SECURITY INVOKER like 0006, 0010 and 0011: run as ayni_app, which may read users and auth_sessions (0004: no
-- row-level security on them) and the company tables under the policies the settings choose.
-- depends: 0011_app_locations

-- The condition of session_user, in one place for the statements below.
CREATE FUNCTION app_session_live(session uuid, person uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (
        SELECT FROM auth_sessions AS s JOIN users AS u ON u.id = s.user_id
        WHERE s.id = session AND s.user_id = person AND s.revoked_at IS NULL AND s.expires_at > now()
          AND NOT u.disabled
    )
$$;

CREATE FUNCTION app_locations(company uuid, person uuid, session uuid)
    RETURNS TABLE (role text, id uuid, name text, code text, address text, comuna text, region text,
                   archived_at timestamptz)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, public
AS $$
BEGIN
    IF NOT app_session_live(session, person) THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM app_locations(company, person);
    IF NOT FOUND THEN
        RETURN NEXT;  -- the output columns, all NULL: not a member
    END IF;
END
$$;

CREATE FUNCTION app_company_state(company uuid, person uuid, session uuid)
    RETURNS TABLE (role text, data_version bigint, timezone text, currency text, locations text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, public
AS $$
BEGIN
    IF NOT app_session_live(session, person) THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM app_company_state(company, person);
    IF NOT FOUND THEN
        RETURN NEXT;
    END IF;
END
$$;

REVOKE EXECUTE ON FUNCTION app_session_live(uuid, uuid), app_locations(uuid, uuid, uuid),
    app_company_state(uuid, uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_session_live(uuid, uuid), app_locations(uuid, uuid, uuid),
    app_company_state(uuid, uuid, uuid) TO ayni_app;
