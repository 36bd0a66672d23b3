-- Only the three-argument forms: the two-argument ones of 0010 and 0011 were left in place, and the release
-- this rolls back to calls them.
DROP FUNCTION app_company_state(uuid, uuid, uuid);
DROP FUNCTION app_locations(uuid, uuid, uuid);
DROP FUNCTION app_session_live(uuid, uuid);
