-- One statement for an analytics answer the API may already hold (ayni/analytics/cache.py): the caller's role and
-- what the answer's ETag is made of, read as app_enter reads the role (0006: the settings chosen first, SECURITY
-- INVOKER, so as ayni_app under the policies they select). Called outside any explicit transaction, the statement
-- is its own transaction, and the LOCAL settings end with it: a 304 or a kept answer costs one round trip instead of
-- a transaction's four. No row when the caller is not a member (or the company is being deleted).
-- depends: 0009_sales_by_payment_and_seller
CREATE FUNCTION app_company_state(company uuid, person uuid)
    RETURNS TABLE (role text, data_version bigint, timezone text, currency text, locations text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, public
AS $$
BEGIN
    PERFORM set_config('app.company_id', coalesce(company::text, ''), true);
    PERFORM set_config('app.user_id', coalesce(person::text, ''), true);
    RETURN QUERY
        SELECT m.role, c.data_version, c.timezone, c.currency::text,
               -- changes when a location is added, renamed, archived or deleted: answers name locations
               (SELECT count(*) || '@' || coalesce(max(l.updated_at)::text, '')
                FROM locations AS l WHERE l.company_id = c.id)
        FROM memberships AS m JOIN companies AS c ON c.id = m.company_id
        WHERE m.company_id = company AND m.user_id = person;
END
$$;

REVOKE EXECUTE ON FUNCTION app_company_state(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_company_state(uuid, uuid) TO ayni_app;
