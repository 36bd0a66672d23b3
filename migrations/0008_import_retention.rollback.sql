DROP FUNCTION purge_import_files(integer);
