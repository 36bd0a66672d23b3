DROP FUNCTION app_enter(uuid, uuid);
