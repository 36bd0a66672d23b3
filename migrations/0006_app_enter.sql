-- One round trip for what every company-scoped request does first: set the transaction's company and user for
-- row-level security, and read the caller's role there (NULL: not a member, or the company is being deleted,
-- which the companies policy hides). SECURITY INVOKER: the role is read as ayni_app, under the very policies
-- the settings just chose. The settings are LOCAL, so they end with the caller's transaction.
-- depends: 0005_companies
CREATE FUNCTION app_enter(company uuid, person uuid) RETURNS text
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM set_config('app.company_id', coalesce(company::text, ''), true);
    PERFORM set_config('app.user_id', coalesce(person::text, ''), true);
    RETURN (
        SELECT m.role FROM memberships AS m JOIN companies AS c ON c.id = m.company_id
        WHERE m.company_id = company AND m.user_id = person
    );
END
$$;

REVOKE EXECUTE ON FUNCTION app_enter(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_enter(uuid, uuid) TO ayni_app;
