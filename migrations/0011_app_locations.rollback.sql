DROP FUNCTION app_locations(uuid, uuid);
