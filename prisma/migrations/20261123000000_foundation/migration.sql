-- Foundation: tenant plumbing, identities, organizations, memberships and leads.
--
-- Tenancy model (see README "How tenancy works"):
--   * every tenant table carries organization_id, unique (organization_id, id), and
--     composite foreign keys so a row can never point into another organization;
--   * RLS is ENABLEd and FORCEd on tenant tables with policies for the runtime role
--     crm_app, keyed on the transaction-local setting app.current_org_id;
--   * no setting → app.current_org_id() is null → no row matches: fail closed.

------------------------------------------------------------------------------
-- Runtime role and helper functions
------------------------------------------------------------------------------

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_app') THEN
    CREATE ROLE crm_app NOLOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;

-- The connecting (migration) role switches to crm_app with set_config('role', …, true).
GRANT crm_app TO CURRENT_USER;

CREATE SCHEMA IF NOT EXISTS app;
GRANT USAGE ON SCHEMA app TO crm_app;
GRANT USAGE ON SCHEMA public TO crm_app;

-- Settings are read with missing_ok = true and '' treated as unset, so an
-- unconfigured session gets null and matches nothing.
CREATE FUNCTION app.current_org_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.current_org_id', true), '')::uuid $$;

CREATE FUNCTION app.current_user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.current_user_id', true), '')::uuid $$;

CREATE FUNCTION app.current_member_role() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.current_role', true), '') $$;

-- Roles that may write tenant data; VIEWER is read-only everywhere.
CREATE FUNCTION app.can_write() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(app.current_member_role() IN ('ADMIN', 'MANAGER', 'AGENT'), false) $$;

CREATE FUNCTION app.touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app TO crm_app;

CREATE TYPE "MemberRole" AS ENUM ('ADMIN', 'MANAGER', 'AGENT', 'VIEWER');
CREATE TYPE "LeadSource" AS ENUM (
  'WEBSITE', 'REFERRAL', 'GOOGLE_ADS', 'SOCIAL_MEDIA', 'COLD_CALL',
  'EMAIL_CAMPAIGN', 'EVENT', 'PARTNER', 'OTHER'
);
CREATE TYPE "LeadStatus" AS ENUM (
  'NEW_LEAD', 'IN_CONTACT', 'QUALIFIED', 'UNQUALIFIED', 'CONVERTED', 'LOST'
);
CREATE TYPE "LeadScore" AS ENUM ('HOT', 'WARM', 'COLD');

------------------------------------------------------------------------------
-- profiles: one row per auth user (Supabase auth.users or the embedded auth)
------------------------------------------------------------------------------

CREATE TABLE profiles (
  id         uuid PRIMARY KEY,
  email      text NOT NULL CHECK (length(email) <= 320),
  full_name  text CHECK (length(full_name) <= 200),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX profiles_email_idx ON profiles (lower(email));
CREATE TRIGGER profiles_touch BEFORE UPDATE ON profiles
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- Not FORCEd: the owner-run lookup function below must read across users.
ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY profiles_insert ON profiles FOR INSERT TO crm_app
  WITH CHECK (id = (SELECT app.current_user_id()));
CREATE POLICY profiles_update ON profiles FOR UPDATE TO crm_app
  USING (id = (SELECT app.current_user_id()))
  WITH CHECK (id = (SELECT app.current_user_id()));
GRANT SELECT, INSERT, UPDATE ON profiles TO crm_app;

------------------------------------------------------------------------------
-- auth_credentials: embedded (local) auth only; Supabase users have none
------------------------------------------------------------------------------

CREATE TABLE auth_credentials (
  user_id       uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
  email         text NOT NULL UNIQUE CHECK (email = lower(email)),
  password_hash text NOT NULL,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  updated_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TRIGGER auth_credentials_touch BEFORE UPDATE ON auth_credentials
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE auth_credentials ENABLE ROW LEVEL SECURITY;
CREATE POLICY auth_credentials_own ON auth_credentials FOR ALL TO crm_app
  USING (user_id = (SELECT app.current_user_id()))
  WITH CHECK (user_id = (SELECT app.current_user_id()));
GRANT SELECT, INSERT, UPDATE ON auth_credentials TO crm_app;

-- Login happens before anyone is known: this definer function returns the one
-- credential matching an email, and nothing else. search_path is pinned.
CREATE FUNCTION app.credential_for_login(p_email text)
  RETURNS TABLE (user_id uuid, password_hash text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT c.user_id, c.password_hash FROM auth_credentials c WHERE c.email = lower(p_email) $$;
REVOKE ALL ON FUNCTION app.credential_for_login(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.credential_for_login(text) TO crm_app;

-- An ADMIN adding a member by email may learn that user's id, and only an ADMIN
-- working inside an organization.
CREATE FUNCTION app.profile_id_by_email(p_email text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT p.id FROM profiles p
    WHERE lower(p.email) = lower(p_email)
      AND app.current_org_id() IS NOT NULL
      AND app.current_member_role() = 'ADMIN'
    ORDER BY p.created_at
    LIMIT 1
  $$;
REVOKE ALL ON FUNCTION app.profile_id_by_email(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.profile_id_by_email(text) TO crm_app;

------------------------------------------------------------------------------
-- organizations: the tenants
------------------------------------------------------------------------------

CREATE TABLE organizations (
  id         uuid PRIMARY KEY,
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TRIGGER organizations_touch BEFORE UPDATE ON organizations
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
-- Creating an organization runs with the new id already set as the current org.
CREATE POLICY organizations_insert ON organizations FOR INSERT TO crm_app
  WITH CHECK (id = (SELECT app.current_org_id()) AND (SELECT app.current_user_id()) IS NOT NULL);
CREATE POLICY organizations_update ON organizations FOR UPDATE TO crm_app
  USING (id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN')
  WITH CHECK (id = (SELECT app.current_org_id()));
GRANT SELECT, INSERT, UPDATE ON organizations TO crm_app;

------------------------------------------------------------------------------
-- memberships: who belongs to which organization, with which role
------------------------------------------------------------------------------

CREATE TABLE memberships (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  role            "MemberRole" NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);
CREATE TRIGGER memberships_touch BEFORE UPDATE ON memberships
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
-- A user reads their own memberships (to pick an organization) and, inside an
-- organization, its whole roster.
CREATE POLICY memberships_select ON memberships FOR SELECT TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    OR user_id = (SELECT app.current_user_id())
  );
-- Only an ADMIN of the current organization changes its roster (the creator of
-- a new organization acts as its ADMIN for that one transaction).
CREATE POLICY memberships_insert ON memberships FOR INSERT TO crm_app
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN');
CREATE POLICY memberships_update ON memberships FOR UPDATE TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN')
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
CREATE POLICY memberships_delete ON memberships FOR DELETE TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN');
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO crm_app;

-- Policies that read memberships, created now that it exists.
-- A user sees themself and the members of the organization they are working in.
CREATE POLICY profiles_select ON profiles FOR SELECT TO crm_app
  USING (
    id = (SELECT app.current_user_id())
    OR EXISTS (
      SELECT 1 FROM memberships m
      WHERE m.user_id = profiles.id AND m.organization_id = (SELECT app.current_org_id())
    )
  );
-- Visible: the current organization and every organization the user belongs to.
CREATE POLICY organizations_select ON organizations FOR SELECT TO crm_app
  USING (
    id = (SELECT app.current_org_id())
    OR id IN (SELECT m.organization_id FROM memberships m WHERE m.user_id = (SELECT app.current_user_id()))
  );

------------------------------------------------------------------------------
-- leads (seed 004 model + created_by_id, deleted_at)
------------------------------------------------------------------------------

CREATE TABLE leads (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  email           text CHECK (length(email) <= 320),
  phone           text CHECK (length(phone) <= 50),
  company         text CHECK (length(company) <= 200),
  source          "LeadSource" NOT NULL DEFAULT 'WEBSITE',
  status          "LeadStatus" NOT NULL DEFAULT 'NEW_LEAD',
  score_value     integer NOT NULL DEFAULT 0 CHECK (score_value BETWEEN 0 AND 100),
  -- The bucket is derived here and nowhere else.
  score           "LeadScore" NOT NULL GENERATED ALWAYS AS (
                    CASE WHEN score_value >= 70 THEN 'HOT'::"LeadScore"
                         WHEN score_value >= 40 THEN 'WARM'::"LeadScore"
                         ELSE 'COLD'::"LeadScore" END
                  ) STORED,
  budget          numeric(12, 2) CHECK (budget >= 0),
  timeline        text CHECK (length(timeline) <= 200),
  notes           text CHECK (length(notes) <= 10000),
  tags            text[] NOT NULL DEFAULT '{}',
  custom_fields   jsonb,
  assigned_to_id  uuid,
  created_by_id   uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  last_contact_at timestamptz(3),
  deleted_at      timestamptz(3),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  -- The assignee must be a member of the same organization; removing the
  -- member unassigns their leads.
  FOREIGN KEY (organization_id, assigned_to_id)
    REFERENCES memberships (organization_id, user_id) ON DELETE SET NULL (assigned_to_id)
);
CREATE INDEX leads_org_created_idx ON leads (organization_id, created_at DESC, id);
CREATE INDEX leads_org_status_idx ON leads (organization_id, status, created_at DESC);
CREATE INDEX leads_org_assignee_idx ON leads (organization_id, assigned_to_id);
CREATE INDEX leads_org_creator_idx ON leads (organization_id, created_by_id);
CREATE INDEX leads_tags_idx ON leads USING gin (tags);
CREATE TRIGGER leads_touch BEFORE UPDATE ON leads
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
ALTER TABLE leads FORCE ROW LEVEL SECURITY;
CREATE POLICY leads_tenant ON leads FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- An AGENT works only with leads assigned to or created by them (seeds 000, 002).
CREATE POLICY leads_agent_scope ON leads AS RESTRICTIVE FOR ALL TO crm_app
  USING (
    (SELECT app.current_member_role()) IS DISTINCT FROM 'AGENT'
    OR assigned_to_id = (SELECT app.current_user_id())
    OR created_by_id = (SELECT app.current_user_id())
  )
  WITH CHECK (
    (SELECT app.current_member_role()) IS DISTINCT FROM 'AGENT'
    OR assigned_to_id = (SELECT app.current_user_id())
    OR created_by_id = (SELECT app.current_user_id())
  );
-- VIEWER (and an unset role) cannot write.
CREATE POLICY leads_write_insert ON leads AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()));
CREATE POLICY leads_write_update ON leads AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.can_write()));
-- Leads are soft-deleted: the runtime role has no DELETE grant.
GRANT SELECT, INSERT, UPDATE ON leads TO crm_app;

------------------------------------------------------------------------------
-- Supabase Data API: keep every CRM table away from anon/authenticated
------------------------------------------------------------------------------

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
      EXECUTE format('REVOKE USAGE ON SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;

------------------------------------------------------------------------------
-- app.begin_request: the first statement of every tenant transaction
------------------------------------------------------------------------------

-- One round trip switches to crm_app, sets the user and organization for this
-- transaction only, and resolves the caller's role from their membership.
-- With p_org null the user's only organization is chosen, if they have exactly
-- one. A caller who is not a member gets org_id null and the settings stay
-- empty, so every tenant policy still matches nothing.
CREATE FUNCTION app.begin_request(p_user uuid, p_org uuid)
  RETURNS TABLE (org_id uuid, member_role text, membership_count integer)
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  v_org  uuid := p_org;
  v_role text;
  v_n    integer := 0;
BEGIN
  PERFORM set_config('role', 'crm_app', true),
          set_config('app.current_user_id', coalesce(p_user::text, ''), true),
          set_config('app.current_org_id', '', true),
          set_config('app.current_role', '', true);
  IF v_org IS NULL THEN
    SELECT count(*)::integer, min(m.organization_id::text)::uuid INTO v_n, v_org
      FROM memberships m WHERE m.user_id = p_user;
    IF v_n <> 1 THEN
      RETURN QUERY SELECT NULL::uuid, NULL::text, v_n;
      RETURN;
    END IF;
  END IF;
  SELECT m.role::text INTO v_role FROM memberships m WHERE m.organization_id = v_org AND m.user_id = p_user;
  IF v_role IS NULL THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, v_n;
    RETURN;
  END IF;
  PERFORM set_config('app.current_org_id', v_org::text, true),
          set_config('app.current_role', v_role, true);
  RETURN QUERY SELECT v_org, v_role, v_n;
END
$$;
REVOKE ALL ON FUNCTION app.begin_request(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.begin_request(uuid, uuid) TO crm_app;
