DROP FUNCTION app_company_state(uuid, uuid);
