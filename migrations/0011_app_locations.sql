-- The company's locations in one statement, as app_company_state (0010) reads the company's state: every page of
-- the web app that filters by location asks for them (the dashboard on every load), and a transaction of their
-- own (BEGIN, app_enter, the list, COMMIT) cost four round trips besides the list. The caller's role comes with
-- every row; a member of a company without locations gets one row with only the role; a non-member, no row.
-- Archived locations last, then by name and code (as ayni/companies/store.py listed them).
-- depends: 0010_app_company_state
CREATE FUNCTION app_locations(company uuid, person uuid)
    RETURNS TABLE (role text, id uuid, name text, code text, address text, comuna text, region text,
                   archived_at timestamptz)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM set_config('app.company_id', coalesce(company::text, ''), true);
    PERFORM set_config('app.user_id', coalesce(person::text, ''), true);
    RETURN QUERY
        SELECT m.role, l.id, l.name, l.code, l.address, l.comuna, l.region, l.archived_at
        FROM memberships AS m
        JOIN companies AS c ON c.id = m.company_id
        LEFT JOIN locations AS l ON l.company_id = m.company_id
        WHERE m.company_id = company AND m.user_id = person
        ORDER BY l.archived_at IS NOT NULL, lower(l.name), l.code;
END
$$;

REVOKE EXECUTE ON FUNCTION app_locations(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_locations(uuid, uuid) TO ayni_app;
