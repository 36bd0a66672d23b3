DROP FUNCTION ayni_touch_updated_at();
