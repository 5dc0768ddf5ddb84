-- A bulk import grows its target table faster than autovacuum's analyze reacts (and where
-- autovacuum is off, statistics never follow). Planning on a table it believes empty,
-- Postgres probed the duplicate lookup's match keys through the wrong index and scanned
-- every lead per row: a 100,000-row import went from 2,500 rows/s to under 100. As a bulk
-- loader should, the import runner refreshes the target table's statistics as it goes
-- (after its first batch, then every 20th: src/imports/import-runner.ts).
--
-- crm_app does not own the tables, so ANALYZE runs in this definer function, for the three
-- import targets only, and only in an ADMIN's or MANAGER's unit of work (imports run as
-- their creator, a MANAGER at least). Statistics are the table's, not any organization's:
-- nothing of one organization reaches another through them.
CREATE FUNCTION app.analyze_import_target(p_target text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
BEGIN
  IF app.current_org_id() IS NULL OR coalesce(app.current_member_role() NOT IN ('ADMIN', 'MANAGER'), true) THEN
    RAISE EXCEPTION 'analyze_import_target is for an import''s unit of work';
  END IF;
  IF p_target NOT IN ('leads', 'contacts', 'listings') THEN
    RAISE EXCEPTION 'analyze_import_target: % is not an import target', p_target;
  END IF;
  EXECUTE format('ANALYZE public.%I', p_target);
END
$$;
REVOKE ALL ON FUNCTION app.analyze_import_target(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.analyze_import_target(text) TO crm_app;
