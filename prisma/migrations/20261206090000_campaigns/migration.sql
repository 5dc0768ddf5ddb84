-- Lead generation (issue 17), part 1: campaigns, and the two lead columns every other part
-- of lead generation reads — the campaign a lead came from and its priority.
--
-- A campaign is the brokerage's marketing effort (a Google Ads run, an open-house weekend, a
-- postcard drop): ADMINs and MANAGERs run them; every member reads them, since an agent
-- working a lead needs to know where it came from. Capture attributes a lead to the campaign
-- whose utm_campaign matches the form's (case-insensitive, unique among live campaigns).

CREATE TYPE "LeadPriority" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'URGENT');
CREATE TYPE "CampaignStatus" AS ENUM ('DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED', 'ARCHIVED');

CREATE TABLE campaigns (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  description     text CHECK (length(description) <= 5000),
  status          "CampaignStatus" NOT NULL DEFAULT 'DRAFT',
  -- Where its leads come from: a lead captured through it gets this source.
  channel         "LeadSource" NOT NULL DEFAULT 'OTHER',
  -- Money in the organization's currency, as listings' prices and leads' budgets are.
  budget          numeric(12, 2) CHECK (budget >= 0),
  starts_on       date,
  ends_on         date,
  utm_source      text CHECK (length(utm_source) BETWEEN 1 AND 200),
  utm_medium      text CHECK (length(utm_medium) BETWEEN 1 AND 200),
  utm_campaign    text CHECK (length(utm_campaign) BETWEEN 1 AND 200),
  listing_id      uuid,
  owner_id        uuid,
  created_by_id   uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1 CHECK (version > 0),
  deleted_at      timestamptz(3),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  CONSTRAINT campaigns_dates CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
  FOREIGN KEY (organization_id, listing_id)
    REFERENCES listings (organization_id, id) ON DELETE SET NULL (listing_id),
  FOREIGN KEY (organization_id, owner_id)
    REFERENCES memberships (organization_id, user_id) ON DELETE SET NULL (owner_id)
);
CREATE INDEX campaigns_org_created_idx ON campaigns (organization_id, created_at DESC, id);
CREATE INDEX campaigns_org_status_idx ON campaigns (organization_id, status) WHERE deleted_at IS NULL;
-- UTM attribution: one live campaign per utm_campaign value.
CREATE UNIQUE INDEX campaigns_org_utm_live_key ON campaigns (organization_id, lower(utm_campaign))
  WHERE deleted_at IS NULL AND utm_campaign IS NOT NULL;
CREATE TRIGGER campaigns_touch BEFORE UPDATE ON campaigns
  FOR EACH ROW EXECUTE FUNCTION app.touch_row();

ALTER TABLE campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE campaigns FORCE ROW LEVEL SECURITY;
CREATE POLICY campaigns_tenant ON campaigns FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- Running campaigns is a manager's work: AGENTs and VIEWERs read them.
CREATE POLICY campaigns_write_insert ON campaigns AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'));
CREATE POLICY campaigns_write_update ON campaigns AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'));
GRANT SELECT, INSERT, UPDATE ON campaigns TO crm_app;

SELECT app.audit_attach('campaigns'::regclass, 'organization_id', 'id', '{}');

------------------------------------------------------------------------------
-- leads: the campaign a lead came from, and how urgently it should be worked
------------------------------------------------------------------------------

ALTER TABLE leads
  ADD COLUMN campaign_id uuid,
  ADD COLUMN priority "LeadPriority" NOT NULL DEFAULT 'MEDIUM',
  ADD CONSTRAINT leads_campaign_fk FOREIGN KEY (organization_id, campaign_id)
    REFERENCES campaigns (organization_id, id) ON DELETE SET NULL (campaign_id);
-- The lead list's filters, and a campaign's performance (its leads by status).
CREATE INDEX leads_org_campaign_idx ON leads (organization_id, campaign_id, status)
  WHERE campaign_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX leads_org_priority_idx ON leads (organization_id, priority, created_at DESC)
  WHERE deleted_at IS NULL;
