-- Activities (seed 004 + due_date, assigned_to_id): calls, emails, meetings, showings…
-- Each belongs to at least one of lead, contact, deal, listing, all in the same organization.

CREATE TYPE "ActivityType" AS ENUM ('CALL', 'EMAIL', 'MEETING', 'TASK', 'NOTE', 'SHOWING', 'OPEN_HOUSE', 'FOLLOW_UP');

CREATE TABLE activities (
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  type             "ActivityType" NOT NULL,
  title            text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description      text CHECK (length(description) <= 10000),
  outcome          text CHECK (length(outcome) <= 2000),
  duration_minutes integer CHECK (duration_minutes BETWEEN 0 AND 1440),
  due_date         timestamptz(3),
  completed_at     timestamptz(3),
  lead_id          uuid,
  contact_id       uuid,
  deal_id          uuid,
  listing_id       uuid,
  assigned_to_id   uuid,
  created_by_id    uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  CONSTRAINT activities_has_subject CHECK (num_nonnulls(lead_id, contact_id, deal_id, listing_id) >= 1),
  FOREIGN KEY (organization_id, lead_id) REFERENCES leads (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, deal_id) REFERENCES deals (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, listing_id) REFERENCES listings (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, assigned_to_id)
    REFERENCES memberships (organization_id, user_id) ON DELETE SET NULL (assigned_to_id)
);
CREATE INDEX activities_org_created_idx ON activities (organization_id, created_at DESC, id);
CREATE INDEX activities_org_due_idx ON activities (organization_id, due_date) WHERE completed_at IS NULL;
CREATE INDEX activities_org_lead_idx ON activities (organization_id, lead_id, created_at DESC) WHERE lead_id IS NOT NULL;
CREATE INDEX activities_org_contact_idx ON activities (organization_id, contact_id, created_at DESC) WHERE contact_id IS NOT NULL;
CREATE INDEX activities_org_deal_idx ON activities (organization_id, deal_id, created_at DESC) WHERE deal_id IS NOT NULL;
CREATE INDEX activities_org_listing_idx ON activities (organization_id, listing_id, created_at DESC) WHERE listing_id IS NOT NULL;
CREATE INDEX activities_org_assignee_idx ON activities (organization_id, assigned_to_id);
CREATE TRIGGER activities_touch BEFORE UPDATE ON activities
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE activities FORCE ROW LEVEL SECURITY;
CREATE POLICY activities_tenant ON activities FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
CREATE POLICY activities_write_insert ON activities AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()));
CREATE POLICY activities_write_update ON activities AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.can_write()));
CREATE POLICY activities_write_delete ON activities AS RESTRICTIVE FOR DELETE TO crm_app
  USING ((SELECT app.can_write()));
-- Activities are a log, deleted for real (no soft delete in seed 004).
GRANT SELECT, INSERT, UPDATE, DELETE ON activities TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON activities FROM %I', r);
    END IF;
  END LOOP;
END
$$;
