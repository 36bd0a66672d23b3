-- Uploaded sales files are kept IMPORT_RETENTION_DAYS after their import ended, then deleted (the imported figures
-- stay). The worker's hourly task runs with no company set, so no policy lets it see any import: this function
-- can, as the tables' owner, and does only this. Both files of an import go (the upload and its rejected.csv,
-- which holds rows of the upload). The number of imports whose files were deleted.
-- depends: 0007_sales
CREATE FUNCTION purge_import_files(retention_days integer) RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    WITH ended AS (
        UPDATE public.imports SET file_purged_at = now()
        WHERE file_purged_at IS NULL AND finished_at < now() - make_interval(days => retention_days)
        RETURNING company_id, id
    ), deleted AS (
        DELETE FROM public.import_files f USING ended e
        WHERE f.company_id = e.company_id AND f.import_id = e.id
        RETURNING 1
    )
    SELECT count(*)::integer FROM ended
$$;

REVOKE EXECUTE ON FUNCTION purge_import_files(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_import_files(integer) TO ayni_app;
