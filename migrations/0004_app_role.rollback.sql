DROP FUNCTION app_user_id();
DROP FUNCTION app_company_id();

REVOKE SELECT, INSERT, UPDATE, DELETE ON users, auth_sessions, auth_one_time_tokens, jobs FROM ayni_app;

-- The role is the whole server's: another database of this server may still grant it something (then it
-- stays, and this database no longer refers to it). The membership granted to the owner goes with the role.
DO $$
BEGIN
    DROP ROLE IF EXISTS ayni_app;
EXCEPTION
    WHEN dependent_objects_still_exist THEN
        RAISE NOTICE 'ayni_app is kept: another database of this server still depends on it';
END
$$;
