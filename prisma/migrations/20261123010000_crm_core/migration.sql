-- Core CRM records (seed 004): contacts, listings, deals, plus notifications and the
-- lead → contact conversion link. Same tenancy rules as leads: organization_id,
-- unique (organization_id, id), composite foreign keys, RLS ENABLE + FORCE.

CREATE TYPE "ContactType" AS ENUM ('PROSPECT', 'CLIENT', 'PAST_CLIENT', 'PARTNER', 'VENDOR');
CREATE TYPE "ContactStatus" AS ENUM ('ACTIVE', 'INACTIVE', 'DO_NOT_CONTACT');
CREATE TYPE "DealStage" AS ENUM ('LEAD', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION', 'CLOSING', 'CLOSED_WON', 'CLOSED_LOST');
CREATE TYPE "DealStatus" AS ENUM ('ACTIVE', 'WON', 'LOST', 'ABANDONED');
CREATE TYPE "PropertyType" AS ENUM ('RESIDENTIAL', 'COMMERCIAL', 'LAND', 'MULTI_FAMILY', 'CONDO', 'TOWNHOUSE', 'LUXURY');
CREATE TYPE "ListingStatus" AS ENUM ('ACTIVE', 'PENDING', 'SOLD', 'EXPIRED', 'WITHDRAWN', 'CONTINGENT');

-- Role checks shared by the policies below.
CREATE FUNCTION app.is_agent() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT app.current_member_role() IS NOT DISTINCT FROM 'AGENT' $$;
GRANT EXECUTE ON FUNCTION app.is_agent() TO crm_app;

------------------------------------------------------------------------------
-- contacts: people the brokerage keeps working with
------------------------------------------------------------------------------

CREATE TABLE contacts (
  id                       uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id          uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name                     text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  email                    text CHECK (length(email) <= 320),
  phone                    text CHECK (length(phone) <= 50),
  company                  text CHECK (length(company) <= 200),
  position                 text CHECK (length(position) <= 200),
  type                     "ContactType" NOT NULL DEFAULT 'PROSPECT',
  status                   "ContactStatus" NOT NULL DEFAULT 'ACTIVE',
  notes                    text CHECK (length(notes) <= 10000),
  tags                     text[] NOT NULL DEFAULT '{}',
  custom_fields            jsonb,
  linkedin_url             text CHECK (length(linkedin_url) <= 500),
  twitter_url              text CHECK (length(twitter_url) <= 500),
  preferred_contact_method text CHECK (preferred_contact_method IN ('email', 'phone', 'text')),
  assigned_to_id           uuid,
  created_by_id            uuid REFERENCES profiles (id) ON DELETE SET NULL,
  source_lead_id           uuid,
  created_at               timestamptz(3) NOT NULL DEFAULT now(),
  updated_at               timestamptz(3) NOT NULL DEFAULT now(),
  last_contact_at          timestamptz(3),
  deleted_at               timestamptz(3),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, assigned_to_id)
    REFERENCES memberships (organization_id, user_id) ON DELETE SET NULL (assigned_to_id),
  FOREIGN KEY (organization_id, source_lead_id)
    REFERENCES leads (organization_id, id) ON DELETE SET NULL (source_lead_id)
);
-- Email is unique per organization among live contacts (case-insensitive).
CREATE UNIQUE INDEX contacts_org_email_live_key ON contacts (organization_id, lower(email))
  WHERE deleted_at IS NULL AND email IS NOT NULL;
CREATE INDEX contacts_org_created_idx ON contacts (organization_id, created_at DESC, id);
CREATE INDEX contacts_org_assignee_idx ON contacts (organization_id, assigned_to_id);
CREATE INDEX contacts_org_type_status_idx ON contacts (organization_id, type, status);
CREATE INDEX contacts_tags_idx ON contacts USING gin (tags);
CREATE TRIGGER contacts_touch BEFORE UPDATE ON contacts
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY contacts_tenant ON contacts FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
CREATE POLICY contacts_write_insert ON contacts AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()));
CREATE POLICY contacts_write_update ON contacts AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.can_write()));
GRANT SELECT, INSERT, UPDATE ON contacts TO crm_app;

-- A converted lead points at the contact it became.
ALTER TABLE leads ADD COLUMN converted_contact_id uuid;
ALTER TABLE leads ADD CONSTRAINT leads_converted_contact_fkey
  FOREIGN KEY (organization_id, converted_contact_id)
  REFERENCES contacts (organization_id, id) ON DELETE SET NULL (converted_contact_id);

------------------------------------------------------------------------------
-- listings: the properties the brokerage sells or rents
------------------------------------------------------------------------------

CREATE TABLE listings (
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  title            text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description      text CHECK (length(description) <= 20000),
  address          text NOT NULL CHECK (length(address) BETWEEN 1 AND 300),
  city             text NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
  state            text NOT NULL CHECK (length(state) BETWEEN 1 AND 100),
  zip_code         text NOT NULL CHECK (length(zip_code) BETWEEN 1 AND 20),
  country          text NOT NULL DEFAULT 'USA' CHECK (length(country) BETWEEN 1 AND 100),
  property_type    "PropertyType" NOT NULL DEFAULT 'RESIDENTIAL',
  bedrooms         integer CHECK (bedrooms BETWEEN 0 AND 1000),
  bathrooms        numeric(3, 1) CHECK (bathrooms >= 0),
  square_feet      integer CHECK (square_feet > 0),
  lot_size         numeric(10, 2) CHECK (lot_size >= 0),
  year_built       integer CHECK (year_built BETWEEN 1600 AND 2200),
  price            numeric(12, 2) NOT NULL CHECK (price >= 0),
  price_per_sqft   numeric(10, 2) CHECK (price_per_sqft >= 0),
  status           "ListingStatus" NOT NULL DEFAULT 'ACTIVE',
  mls_number       text CHECK (length(mls_number) BETWEEN 1 AND 50),
  listing_date     timestamptz(3),
  expiration_date  timestamptz(3),
  images           text[] NOT NULL DEFAULT '{}',
  virtual_tour_url text CHECK (length(virtual_tour_url) <= 1000),
  features         text[] NOT NULL DEFAULT '{}',
  notes            text CHECK (length(notes) <= 10000),
  tags             text[] NOT NULL DEFAULT '{}',
  custom_fields    jsonb,
  assigned_to_id   uuid,
  created_by_id    uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at       timestamptz(3),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, assigned_to_id)
    REFERENCES memberships (organization_id, user_id) ON DELETE SET NULL (assigned_to_id)
);
CREATE UNIQUE INDEX listings_org_mls_key ON listings (organization_id, mls_number) WHERE mls_number IS NOT NULL;
CREATE INDEX listings_org_created_idx ON listings (organization_id, created_at DESC, id);
CREATE INDEX listings_org_status_price_idx ON listings (organization_id, status, price);
CREATE INDEX listings_org_assignee_idx ON listings (organization_id, assigned_to_id);
CREATE TRIGGER listings_touch BEFORE UPDATE ON listings
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE listings ENABLE ROW LEVEL SECURITY;
ALTER TABLE listings FORCE ROW LEVEL SECURITY;
CREATE POLICY listings_tenant ON listings FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
CREATE POLICY listings_write_insert ON listings AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()));
CREATE POLICY listings_write_update ON listings AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.can_write()));
GRANT SELECT, INSERT, UPDATE ON listings TO crm_app;

------------------------------------------------------------------------------
-- deals: the pipeline
------------------------------------------------------------------------------

CREATE TABLE deals (
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description         text CHECK (length(description) <= 20000),
  value               numeric(12, 2) NOT NULL CHECK (value >= 0),
  stage               "DealStage" NOT NULL DEFAULT 'LEAD',
  status              "DealStatus" NOT NULL DEFAULT 'ACTIVE',
  probability         integer NOT NULL DEFAULT 50 CHECK (probability BETWEEN 0 AND 100),
  expected_close_date timestamptz(3),
  actual_close_date   timestamptz(3),
  lost_reason         text CHECK (length(lost_reason) <= 1000),
  notes               text CHECK (length(notes) <= 10000),
  tags                text[] NOT NULL DEFAULT '{}',
  custom_fields       jsonb,
  lead_id             uuid,
  contact_id          uuid,
  listing_id          uuid,
  assigned_to_id      uuid,
  created_by_id       uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at          timestamptz(3) NOT NULL DEFAULT now(),
  updated_at          timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at          timestamptz(3),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, lead_id) REFERENCES leads (organization_id, id) ON DELETE SET NULL (lead_id),
  FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, id) ON DELETE SET NULL (contact_id),
  FOREIGN KEY (organization_id, listing_id) REFERENCES listings (organization_id, id) ON DELETE SET NULL (listing_id),
  FOREIGN KEY (organization_id, assigned_to_id)
    REFERENCES memberships (organization_id, user_id) ON DELETE SET NULL (assigned_to_id)
);
CREATE INDEX deals_org_created_idx ON deals (organization_id, created_at DESC, id);
CREATE INDEX deals_org_stage_idx ON deals (organization_id, stage);
CREATE INDEX deals_org_assignee_idx ON deals (organization_id, assigned_to_id);
CREATE INDEX deals_org_lead_idx ON deals (organization_id, lead_id);
CREATE INDEX deals_org_contact_idx ON deals (organization_id, contact_id);
CREATE INDEX deals_org_listing_idx ON deals (organization_id, listing_id);
CREATE TRIGGER deals_touch BEFORE UPDATE ON deals
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE deals ENABLE ROW LEVEL SECURITY;
ALTER TABLE deals FORCE ROW LEVEL SECURITY;
CREATE POLICY deals_tenant ON deals FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- An AGENT works only with deals assigned to or created by them, as for leads.
CREATE POLICY deals_agent_scope ON deals AS RESTRICTIVE FOR ALL TO crm_app
  USING (
    NOT (SELECT app.is_agent())
    OR assigned_to_id = (SELECT app.current_user_id())
    OR created_by_id = (SELECT app.current_user_id())
  )
  WITH CHECK (
    NOT (SELECT app.is_agent())
    OR assigned_to_id = (SELECT app.current_user_id())
    OR created_by_id = (SELECT app.current_user_id())
  );
CREATE POLICY deals_write_insert ON deals AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.can_write()));
CREATE POLICY deals_write_update ON deals AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.can_write()));
GRANT SELECT, INSERT, UPDATE ON deals TO crm_app;

------------------------------------------------------------------------------
-- notifications: per user, per organization
------------------------------------------------------------------------------

CREATE TABLE notifications (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  type            text NOT NULL CHECK (length(type) BETWEEN 1 AND 50),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  body            text CHECK (length(body) <= 2000),
  data            jsonb,
  read_at         timestamptz(3),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  -- Only members receive notifications; removing a member removes theirs.
  FOREIGN KEY (organization_id, user_id) REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE
);
CREATE INDEX notifications_recipient_idx ON notifications (organization_id, user_id, created_at DESC, id);
CREATE INDEX notifications_unread_idx ON notifications (organization_id, user_id) WHERE read_at IS NULL;

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
-- A user reads and marks only their own notifications in the current organization.
CREATE POLICY notifications_select ON notifications FOR SELECT TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND user_id = (SELECT app.current_user_id()));
CREATE POLICY notifications_update ON notifications FOR UPDATE TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND user_id = (SELECT app.current_user_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND user_id = (SELECT app.current_user_id()));
-- Any member who can write may notify another member of the same organization.
CREATE POLICY notifications_insert ON notifications FOR INSERT TO crm_app
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND (SELECT app.can_write()));
GRANT SELECT, INSERT, UPDATE (read_at) ON notifications TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON contacts, listings, deals, notifications FROM %I', r);
    END IF;
  END LOOP;
END
$$;
