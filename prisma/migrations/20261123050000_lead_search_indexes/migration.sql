-- Lead list and search indexes (issue 8). No table, column, policy or grant changes.
--
-- What the list queries look like (Prisma, as crm_app under RLS):
--   page:   WHERE organization_id = $1 AND deleted_at IS NULL [AND status IN (…)]
--             [AND (name ILIKE '%q%' OR email ILIKE … OR phone ILIKE … OR company ILIKE …)]
--           ORDER BY created_at DESC, id LIMIT 25
--   total:  SELECT count(*) FROM (SELECT id FROM leads WHERE <the same>) sub
-- plus the policy quals organization_id = app.current_org_id() and, for an AGENT,
-- assigned_to_id / created_by_id = app.current_user_id().
--
-- Under RLS only leakproof operators of the query's own WHERE can become index
-- conditions (the rest must run after the policy quals). uuid and timestamptz
-- comparisons are leakproof; ILIKE (texticlike) and enum equality (enum_eq) are not.
-- So for crm_app the organization (and the sort) is what an index can narrow, and
-- status and q filter the organization's live rows — see docs/performance.md.

-- No trigram (pg_trgm) indexes: for crm_app an ILIKE can never be an index condition
-- (texticlike is not LEAKPROOF, and only a superuser may mark it so — not possible on
-- Supabase), so they would cost ~40 % on every lead insert and serve no API query.
-- Measurements in docs/performance.md.

-- The live leads of an organization, newest first, carrying the two columns the AGENT
-- policy reads: the page is the first 25 entries, and the total becomes an index-only
-- scan (no heap visit per lead while the visibility map is current) — the list's count
-- was its most expensive statement. leads_org_created_idx stays for includeDeleted=true.
CREATE INDEX leads_org_live_created_idx ON leads (organization_id, created_at DESC, id)
  INCLUDE (assigned_to_id, created_by_id)
  WHERE deleted_at IS NULL;
