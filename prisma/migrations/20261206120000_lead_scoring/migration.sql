-- Lead generation (issue 17), part 4: lead scoring and qualification. See docs/lead-scoring.md.
--
-- A lead's score is computed BY THE DATABASE, by one function (app.calculate_lead_score), from
-- the lead's own columns and its engagement (activities, appointments), with weights each
-- organization may tune (lead_scoring_settings; the defaults when it has no row are in
-- app.lead_scoring_defaults, the one place they are written). It is kept current by triggers:
--   * leads BEFORE INSERT/UPDATE: recomputed from NEW when an input column changes, in the
--     same write (no second UPDATE, no extra version);
--   * activities and appointments AFTER INSERT/UPDATE/DELETE: their lead is rescored, written
--     only when its score changes (a recompute that changes nothing does not write: no
--     version, no audit row, no event);
--   * the settings: the API rescores every lead of the organization in one UPDATE, in the
--     transaction that changes them;
--   * time: a daily job rescores the leads whose recency (days since last contact) may have lapsed.
-- computed_score is always the computed value; score_value (and the derived HOT/WARM/COLD
-- score) follows it unless score_override is set — a client that writes scoreValue sets it.
--
-- Scores are computed only inside an organization's unit of work (app.current_org_id() set):
-- SQL run without one (migrations, the tests' fixtures, maintenance) leaves them as written.

------------------------------------------------------------------------------
-- leads: the computed score and the override flag
------------------------------------------------------------------------------

ALTER TABLE leads
  ADD COLUMN computed_score integer NOT NULL DEFAULT 0 CHECK (computed_score BETWEEN 0 AND 100),
  ADD COLUMN score_override boolean NOT NULL DEFAULT false;

------------------------------------------------------------------------------
-- lead_scoring_settings: one row per organization that changed the defaults
------------------------------------------------------------------------------

-- Points are what a component adds to the score (0–100 in all, clamped). Bounds are the
-- API's too (src/lead-scoring/dto/lead-scoring-settings.input.ts); the bands each weight
-- is split over are in app.calculate_lead_score.
CREATE TABLE lead_scoring_settings (
  organization_id          uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  -- {"REFERRAL": 25, …}: points by LeadSource, each 0–30; a source not named scores 0.
  source_weights           jsonb NOT NULL CHECK (jsonb_typeof(source_weights) = 'object'),
  budget_weight            integer NOT NULL CHECK (budget_weight BETWEEN 0 AND 30),
  timeline_weight          integer NOT NULL CHECK (timeline_weight BETWEEN 0 AND 30),
  completeness_weight      integer NOT NULL CHECK (completeness_weight BETWEEN 0 AND 30),
  priority_weight          integer NOT NULL CHECK (priority_weight BETWEEN 0 AND 30),
  activity_points          integer NOT NULL CHECK (activity_points BETWEEN 0 AND 10),
  activity_max             integer NOT NULL CHECK (activity_max BETWEEN 0 AND 30),
  appointment_points       integer NOT NULL CHECK (appointment_points BETWEEN 0 AND 20),
  appointment_max          integer NOT NULL CHECK (appointment_max BETWEEN 0 AND 30),
  recency_weight           integer NOT NULL CHECK (recency_weight BETWEEN 0 AND 30),
  qualified_bonus          integer NOT NULL CHECK (qualified_bonus BETWEEN 0 AND 30),
  -- POST /v1/leads/{id}/qualify: the organization's rule.
  require_pre_approval     boolean NOT NULL,
  require_budget_confirmed boolean NOT NULL,
  max_timeline_months      integer NOT NULL CHECK (max_timeline_months BETWEEN 0 AND 120),
  updated_by_id            uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at               timestamptz(3) NOT NULL DEFAULT now(),
  updated_at               timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id)
);
CREATE TRIGGER lead_scoring_settings_touch BEFORE UPDATE ON lead_scoring_settings
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE lead_scoring_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE lead_scoring_settings FORCE ROW LEVEL SECURITY;
-- MANAGERs read the weights (they see why a lead scores what it does); ADMINs change them.
CREATE POLICY lead_scoring_settings_read ON lead_scoring_settings FOR SELECT TO crm_app
  USING (organization_id = (SELECT app.current_org_id())
         AND (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'));
CREATE POLICY lead_scoring_settings_insert ON lead_scoring_settings FOR INSERT TO crm_app
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN');
CREATE POLICY lead_scoring_settings_update ON lead_scoring_settings FOR UPDATE TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN')
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN');
GRANT SELECT, INSERT ON lead_scoring_settings TO crm_app;
GRANT UPDATE (source_weights, budget_weight, timeline_weight, completeness_weight, priority_weight, activity_points,
              activity_max, appointment_points, appointment_max, recency_weight, qualified_bonus,
              require_pre_approval, require_budget_confirmed, max_timeline_months, updated_by_id, updated_at)
  ON lead_scoring_settings TO crm_app;
-- For app.calculate_lead_score (a definer) when its owner is subject to RLS (not a superuser).
CREATE POLICY lead_scoring_settings_owner_read ON lead_scoring_settings FOR SELECT TO CURRENT_USER USING (true);

SELECT app.audit_attach('lead_scoring_settings'::regclass, 'organization_id', 'organization_id', '{}');

------------------------------------------------------------------------------
-- The defaults, and the settings in force
------------------------------------------------------------------------------

-- The defaults, in one place: what an organization without a row scores with, and what
-- GET /v1/settings/lead-scoring shows it. No tenant data is read.
CREATE FUNCTION app.lead_scoring_defaults(p_org uuid) RETURNS lead_scoring_settings
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
  SELECT ROW(
    p_org,
    '{"REFERRAL": 25, "PARTNER": 20, "EVENT": 15, "WEBSITE": 10, "EMAIL_CAMPAIGN": 10, "GOOGLE_ADS": 8,
      "SOCIAL_MEDIA": 6, "OTHER": 5, "COLD_CALL": 4}'::jsonb,
    15,    -- budget_weight
    15,    -- timeline_weight
    9,     -- completeness_weight
    9,     -- priority_weight
    2,     -- activity_points
    10,    -- activity_max
    5,     -- appointment_points
    10,    -- appointment_max
    10,    -- recency_weight
    10,    -- qualified_bonus
    true,  -- require_pre_approval
    true,  -- require_budget_confirmed
    12,    -- max_timeline_months
    NULL::uuid, NULL::timestamptz, NULL::timestamptz
  )::lead_scoring_settings
$$;

-- "0-3 months", "3 to 6 months", "1-2 years", "6 weeks", "ASAP" → the upper bound in months
-- (rounded up); null when the text names no span. The free-text timeline clients already
-- write, read as numbers: no new column to keep in step.
CREATE FUNCTION app.timeline_months(p_timeline text) RETURNS integer
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
DECLARE
  v_text  text := lower(coalesce(p_timeline, ''));
  v_match text[];
  v_upper numeric;
BEGIN
  IF v_text ~ '(asap|immediate|right away|now|this month)' THEN
    RETURN 0;
  END IF;
  v_match := regexp_match(v_text, '(\d{1,4})(?:\s*(?:-|–|to)\s*(\d{1,4}))?\s*(y|m|w|d)?');
  IF v_match IS NULL THEN
    RETURN NULL;
  END IF;
  v_upper := coalesce(v_match[2], v_match[1])::numeric;
  RETURN least(ceil(CASE v_match[3]
    WHEN 'y' THEN v_upper * 12
    WHEN 'w' THEN v_upper / 4.345
    WHEN 'd' THEN v_upper / 30.44
    ELSE v_upper                      -- months, or a bare number
  END), 10000)::integer;
END
$$;

------------------------------------------------------------------------------
-- The score
------------------------------------------------------------------------------

-- 0–100 from the lead's columns and engagement, with the organization's settings (pass
-- them to score many leads with one read; null reads them). Components, each a share of its
-- weight (docs/lead-scoring.md has the table):
--   source        source_weights[source]
--   budget        ≥ 1,000,000: all; ≥ 500,000: 2/3; > 0: 1/3
--   timeline      ≤ 3 months: all; ≤ 6: 2/3; ≤ 12: 1/3 (app.timeline_months)
--   completeness  1/3 each for an email, a phone, and a full name (two words or more)
--   priority      LOW 0, MEDIUM 1/3, HIGH 2/3, URGENT all
--   activities    activity_points per activity on the lead (any type: calls, notes, the
--                 events capture logs), at most activity_max
--   appointments  appointment_points per appointment not CANCELLED or NO_SHOW, at most appointment_max
--   recency       last contact ≤ 7 days ago: all; ≤ 30 days: half
--   qualified     status QUALIFIED or CONVERTED: qualified_bonus
-- Rounded once, at the end. SECURITY DEFINER so that every member counts the same
-- activities and appointments (an AGENT's policies hide some); it reads only the lead's own
-- organization, and only when that is the unit of work's organization.
CREATE FUNCTION app.calculate_lead_score(p_lead leads, p_settings lead_scoring_settings DEFAULT NULL)
  RETURNS integer
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  s        lead_scoring_settings := p_settings;
  v_months integer := app.timeline_months(p_lead.timeline);
  v_acts   integer;
  v_appts  integer;
  v_points numeric;
BEGIN
  IF p_lead.organization_id IS DISTINCT FROM app.current_org_id() THEN
    RAISE EXCEPTION 'calculate_lead_score: the lead is not of the current organization'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF s.organization_id IS DISTINCT FROM p_lead.organization_id THEN
    SELECT * INTO s FROM public.lead_scoring_settings x WHERE x.organization_id = p_lead.organization_id;
    IF NOT FOUND THEN
      s := app.lead_scoring_defaults(p_lead.organization_id);
    END IF;
  END IF;

  SELECT count(*) INTO v_acts FROM public.activities a
   WHERE a.organization_id = p_lead.organization_id AND a.lead_id = p_lead.id;
  SELECT count(*) INTO v_appts FROM public.appointments p
   WHERE p.organization_id = p_lead.organization_id AND p.lead_id = p_lead.id
     AND p.status NOT IN ('CANCELLED', 'NO_SHOW');

  v_points :=
      coalesce((s.source_weights ->> p_lead.source::text)::numeric, 0)
    + s.budget_weight * CASE WHEN p_lead.budget >= 1000000 THEN 1
                             WHEN p_lead.budget >= 500000 THEN 2 / 3.0
                             WHEN p_lead.budget > 0 THEN 1 / 3.0
                             ELSE 0 END
    + s.timeline_weight * CASE WHEN v_months <= 3 THEN 1
                               WHEN v_months <= 6 THEN 2 / 3.0
                               WHEN v_months <= 12 THEN 1 / 3.0
                               ELSE 0 END
    + s.completeness_weight / 3.0 * (  (p_lead.email IS NOT NULL AND btrim(p_lead.email) <> '')::integer
                                     + (p_lead.phone IS NOT NULL AND btrim(p_lead.phone) <> '')::integer
                                     + (btrim(p_lead.name) ~ '\s')::integer)
    + s.priority_weight * CASE p_lead.priority WHEN 'URGENT' THEN 1
                                               WHEN 'HIGH' THEN 2 / 3.0
                                               WHEN 'MEDIUM' THEN 1 / 3.0
                                               ELSE 0 END
    + least(v_acts * s.activity_points, s.activity_max)
    + least(v_appts * s.appointment_points, s.appointment_max)
    + s.recency_weight * CASE WHEN p_lead.last_contact_at >= now() - interval '7 days' THEN 1
                              WHEN p_lead.last_contact_at >= now() - interval '30 days' THEN 0.5
                              ELSE 0 END
    + CASE WHEN p_lead.status IN ('QUALIFIED', 'CONVERTED') THEN s.qualified_bonus ELSE 0 END;
  RETURN greatest(0, least(100, round(v_points)))::integer;
END
$$;

-- Rescores the current organization's leads (all of them, or p_lead), writing only those
-- whose computed score changes; returns how many changed. Runs as the caller, under its
-- policies (a lead it cannot update is left alone). The leads trigger below copies the new
-- computed_score into score_value unless the lead is overridden.
CREATE FUNCTION app.rescore_leads(p_lead uuid DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $$
DECLARE
  v_org      uuid := app.current_org_id();
  v_settings lead_scoring_settings;
  v_count    integer;
BEGIN
  IF v_org IS NULL THEN
    RETURN 0;
  END IF;
  SELECT * INTO v_settings FROM app.lead_scoring_in_force();
  UPDATE public.leads l SET computed_score = n.score
    FROM (SELECT x.id, app.calculate_lead_score(x, v_settings) AS score
            FROM public.leads x
           WHERE x.organization_id = v_org AND (p_lead IS NULL OR x.id = p_lead)) n
   WHERE l.organization_id = v_org AND l.id = n.id AND l.computed_score <> n.score;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;

-- The current organization's settings in force: its row, else the defaults. For the
-- scoring functions (definer: an AGENT's write rescores too, yet cannot read the table).
CREATE FUNCTION app.lead_scoring_in_force() RETURNS lead_scoring_settings
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  SELECT coalesce(
    (SELECT x FROM public.lead_scoring_settings x WHERE x.organization_id = app.current_org_id()),
    app.lead_scoring_defaults(app.current_org_id()))
$$;

------------------------------------------------------------------------------
-- Triggers
------------------------------------------------------------------------------

-- BEFORE INSERT OR UPDATE on leads: recompute from NEW when an input changed (the columns
-- the score reads), then keep score_value on the computed score unless overridden.
CREATE FUNCTION app.lead_score_row() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF app.current_org_id() IS DISTINCT FROM NEW.organization_id THEN
    RETURN NEW;  -- no organization's unit of work: leave the scores as written
  END IF;
  IF TG_OP = 'INSERT'
     OR (OLD.source, OLD.budget, OLD.timeline, OLD.email, OLD.phone, OLD.name, OLD.priority, OLD.status,
         OLD.last_contact_at) IS DISTINCT FROM
        (NEW.source, NEW.budget, NEW.timeline, NEW.email, NEW.phone, NEW.name, NEW.priority, NEW.status,
         NEW.last_contact_at) THEN
    NEW.computed_score := app.calculate_lead_score(NEW);
  END IF;
  IF NOT NEW.score_override THEN
    NEW.score_value := NEW.computed_score;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER leads_score BEFORE INSERT OR UPDATE ON leads
  FOR EACH ROW EXECUTE FUNCTION app.lead_score_row();

-- AFTER a change to an activity or appointment: rescore its lead (and the lead it left).
CREATE FUNCTION app.rescore_lead_of_row() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP <> 'DELETE' AND NEW.lead_id IS NOT NULL THEN
    PERFORM app.rescore_leads(NEW.lead_id);
  END IF;
  IF TG_OP <> 'INSERT' AND OLD.lead_id IS NOT NULL
     AND (TG_OP = 'DELETE' OR OLD.lead_id IS DISTINCT FROM NEW.lead_id) THEN
    PERFORM app.rescore_leads(OLD.lead_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER activities_score AFTER INSERT OR DELETE OR UPDATE OF lead_id ON activities
  FOR EACH ROW EXECUTE FUNCTION app.rescore_lead_of_row();
CREATE TRIGGER appointments_score AFTER INSERT OR DELETE OR UPDATE OF lead_id, status ON appointments
  FOR EACH ROW EXECUTE FUNCTION app.rescore_lead_of_row();

------------------------------------------------------------------------------
-- Recency lapses with time, not with a write
------------------------------------------------------------------------------

-- Once a day (housekeeping.lead-recency, src/lead-scoring/lead-scoring.housekeeping.ts): the
-- leads last contacted 7 to 35 days ago — those whose recency band may have lapsed since they
-- were scored (7 and 30 days, with five days' slack for missed runs) — are rescored in their
-- organization, writing only the changed ones; returns how many changed. For the job runner
-- only (no user, no organization); each organization's leads are rescored with that
-- organization set, so the scoring functions and triggers run as they do for a request.
CREATE FUNCTION app.rescore_lapsed_recency() RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v_org      uuid;
  v_settings lead_scoring_settings;
  v_n        integer;
  v_total    integer := 0;
BEGIN
  IF app.current_user_id() IS NOT NULL OR app.current_org_id() IS NOT NULL THEN
    RAISE EXCEPTION 'rescore_lapsed_recency is for the job runner: no user, no organization';
  END IF;
  FOR v_org IN
    SELECT DISTINCT l.organization_id FROM public.leads l
     WHERE l.last_contact_at BETWEEN now() - interval '35 days' AND now() - interval '7 days'
  LOOP
    PERFORM set_config('app.current_org_id', v_org::text, true);
    v_settings := app.lead_scoring_in_force();
    UPDATE public.leads l SET computed_score = n.score
      FROM (SELECT x.id, app.calculate_lead_score(x, v_settings) AS score
              FROM public.leads x
             WHERE x.organization_id = v_org
               AND x.last_contact_at BETWEEN now() - interval '35 days' AND now() - interval '7 days') n
     WHERE l.organization_id = v_org AND l.id = n.id AND l.computed_score <> n.score;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    v_total := v_total + v_n;
  END LOOP;
  PERFORM set_config('app.current_org_id', '', true);
  RETURN v_total;
END
$$;
-- For it when its owner is subject to RLS (not a superuser): read and rescore any organization's leads.
CREATE POLICY leads_owner_read ON leads FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY leads_owner_rescore ON leads FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true);

------------------------------------------------------------------------------
-- Existing leads: scored now, as part of the schema change
------------------------------------------------------------------------------

-- A non-zero score_value was written by someone: it becomes an override, kept until released.
-- Every lead gets its computed score (and the others' score_value follows it, by the trigger).
-- A schema change, not news: no new version, audit row or event for it.
ALTER TABLE leads DISABLE TRIGGER leads_touch, DISABLE TRIGGER leads_audit, DISABLE TRIGGER leads_events;
DO $$
DECLARE v_org uuid;
BEGIN
  FOR v_org IN SELECT DISTINCT l.organization_id FROM leads l LOOP
    PERFORM set_config('app.current_org_id', v_org::text, true);
    UPDATE leads l SET score_override = (l.score_value <> 0), computed_score = app.calculate_lead_score(l)
     WHERE l.organization_id = v_org;
  END LOOP;
  PERFORM set_config('app.current_org_id', '', true);
END
$$;
ALTER TABLE leads ENABLE TRIGGER leads_touch, ENABLE TRIGGER leads_audit, ENABLE TRIGGER leads_events;

------------------------------------------------------------------------------
-- Grants, and Supabase's Data API
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION app.lead_scoring_defaults(uuid), app.timeline_months(text),
  app.calculate_lead_score(leads, lead_scoring_settings), app.rescore_leads(uuid), app.lead_scoring_in_force(),
  app.lead_score_row(), app.rescore_lead_of_row(), app.rescore_lapsed_recency() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.lead_scoring_defaults(uuid), app.timeline_months(text),
  app.calculate_lead_score(leads, lead_scoring_settings), app.rescore_leads(uuid), app.lead_scoring_in_force(),
  app.lead_score_row(), app.rescore_lead_of_row(), app.rescore_lapsed_recency() TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON lead_scoring_settings FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
