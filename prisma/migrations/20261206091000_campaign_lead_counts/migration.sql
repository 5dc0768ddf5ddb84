-- Campaign performance (issue 17): a campaign's leads counted by status, contact and time to
-- first contact, read by GET /v1/campaigns/{id}/performance and GET /v1/campaigns/top
-- (src/campaigns/campaign-performance.repository.ts), each of which is one statement calling it.
--
-- Why a function, and why `SET jit = off`: the counts are one pass over the campaigns' leads with
-- each lead's earliest contact activity, and row-level security on leads and activities makes
-- Postgres estimate that pass as expensive (≈ 2.5 million for 20,000 leads), far above
-- jit_above_cost. With JIT on (Postgres's default) compiling the plan took ≈ 3 s of a 3.3 s
-- query that runs in 0.06-0.18 s without it. A function's SET clause turns JIT off for the
-- statements planned inside it, and only there.
--
-- SECURITY INVOKER: it runs as the caller (crm_app) under every policy — an AGENT counts only
-- the leads and activities RLS shows them, so their figures are their own.

CREATE FUNCTION app.campaign_lead_counts(p_campaign_ids uuid[])
  RETURNS TABLE (
    campaign_id                  uuid,
    leads                        integer,
    contacted                    integer,
    qualified                    integer,
    converted                    integer,
    lost                         integer,
    median_time_to_first_contact double precision
  )
  LANGUAGE sql STABLE SECURITY INVOKER
  SET jit = off
AS $$
  SELECT l.campaign_id,
         count(*)::int,
         -- Contacted: out of NEW_LEAD, or a completed contact activity.
         (count(*) FILTER (WHERE l.status <> 'NEW_LEAD' OR fc.first_contact_at IS NOT NULL))::int,
         -- Qualified: QUALIFIED, or past it (CONVERTED).
         (count(*) FILTER (WHERE l.status IN ('QUALIFIED', 'CONVERTED')))::int,
         (count(*) FILTER (WHERE l.status = 'CONVERTED'))::int,
         (count(*) FILTER (WHERE l.status = 'LOST'))::int,
         -- Whole seconds; a back-dated activity before the lead's creation counts as 0 s, and the
         -- leads never contacted are left out (FILTER), not counted as 0 s.
         round(percentile_cont(0.5) WITHIN GROUP (
                 ORDER BY greatest(0, extract(epoch FROM fc.first_contact_at - l.created_at))::float8)
               FILTER (WHERE fc.first_contact_at IS NOT NULL))
    FROM leads l
    -- The earliest completed CALL, EMAIL, MEETING or SHOWING: the activities that move a
    -- NEW_LEAD to IN_CONTACT (app.activity_records_contact), through activities_org_lead_idx.
    LEFT JOIN LATERAL (
      SELECT min(a.completed_at) AS first_contact_at
        FROM activities a
       WHERE a.organization_id = l.organization_id
         AND a.lead_id = l.id
         AND a.type IN ('CALL', 'EMAIL', 'MEETING', 'SHOWING')
         AND a.completed_at IS NOT NULL
    ) fc ON true
   WHERE l.organization_id = (SELECT app.current_org_id())
     AND l.deleted_at IS NULL
     AND l.campaign_id = ANY (p_campaign_ids)
   GROUP BY l.campaign_id
$$;

REVOKE ALL ON FUNCTION app.campaign_lead_counts(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.campaign_lead_counts(uuid[]) TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
