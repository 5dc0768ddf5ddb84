-- Service lines and acquisition stages (issue 19, item 5; seed 001's products,
-- acquisition_stages and customers.product_id / acquisition_stage).
--
--   * products: the brokerage's service lines (buyer representation, listing, rentals,
--     property management). ADMINs manage them, every member reads them. At most 3 are
--     active at a time per organization, enforced here by a trigger that serializes the
--     organization's activations on a transaction advisory lock, so two concurrent requests
--     cannot both take the third place.
--   * acquisition_stages: the organization's ordered pipeline for contacts (seed 001's
--     lead → qualified → proposal → negotiation → closed_won / closed_lost), each with a
--     default probability and a kind (OPEN, WON, LOST). ADMINs manage them; every member reads.
--   * contacts.product_id and contacts.acquisition_stage_id: composite foreign keys to the
--     organization's own rows. contacts is already audited (migration 20261206020000), so a
--     stage change is a row of the contact's history (GET /v1/contacts/{id}/audit).
--   * organizations.contact_visibility: ALL (every member sees every contact, as before this
--     migration) or OWN (an AGENT sees the contacts assigned to or created by them), enforced
--     by a restrictive policy on contacts.

CREATE TYPE "AcquisitionStageKind" AS ENUM ('OPEN', 'WON', 'LOST');
CREATE TYPE "ContactVisibility" AS ENUM ('ALL', 'OWN');

------------------------------------------------------------------------------
-- products: the service lines
------------------------------------------------------------------------------

CREATE TABLE products (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  description     text CHECK (length(description) <= 5000),
  active          boolean NOT NULL DEFAULT true,
  created_by_id   uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1 CHECK (version > 0),
  deleted_at      timestamptz(3),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id)
);
CREATE INDEX products_org_created_idx ON products (organization_id, created_at DESC, id);
-- The trigger's count, and the list's active filter.
CREATE INDEX products_org_active_idx ON products (organization_id) WHERE active AND deleted_at IS NULL;
-- A service line's name is unique among the live ones (case-insensitive).
CREATE UNIQUE INDEX products_org_name_live_key ON products (organization_id, lower(name)) WHERE deleted_at IS NULL;
CREATE TRIGGER products_touch BEFORE UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION app.touch_row();

-- At most 3 live active products per organization. A row becoming live and active (insert,
-- activation, restore) first takes the organization's transaction advisory lock, so
-- concurrent activations queue; the count then runs in a new snapshot (READ COMMITTED, a
-- volatile function) and sees what the previous holder committed. SQLSTATE CRM01 is mapped
-- to 409 PRODUCT_ACTIVE_LIMIT by the API.
CREATE FUNCTION app.check_active_products() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  v_active integer;
BEGIN
  IF NOT NEW.active OR NEW.deleted_at IS NOT NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.active AND OLD.deleted_at IS NULL THEN
    RETURN NEW;  -- already counted
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('products-active:' || NEW.organization_id::text, 0));
  SELECT count(*) INTO v_active
    FROM products p
   WHERE p.organization_id = NEW.organization_id AND p.active AND p.deleted_at IS NULL AND p.id <> NEW.id;
  IF v_active >= 3 THEN
    RAISE EXCEPTION 'an organization has at most 3 active products'
      USING ERRCODE = 'CRM01', HINT = 'Deactivate another product first.';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER products_max_active BEFORE INSERT OR UPDATE OF active, deleted_at ON products
  FOR EACH ROW EXECUTE FUNCTION app.check_active_products();

ALTER TABLE products ENABLE ROW LEVEL SECURITY;
ALTER TABLE products FORCE ROW LEVEL SECURITY;
CREATE POLICY products_tenant ON products FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- The catalogue is the ADMIN's (seed 001): every other role reads it.
CREATE POLICY products_write_insert ON products AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.current_member_role()) = 'ADMIN');
CREATE POLICY products_write_update ON products AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.current_member_role()) = 'ADMIN');
-- Soft delete only: no DELETE grant.
GRANT SELECT, INSERT, UPDATE ON products TO crm_app;

------------------------------------------------------------------------------
-- acquisition_stages: the ordered pipeline a contact moves through
------------------------------------------------------------------------------

CREATE TABLE acquisition_stages (
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  -- 1..n without gaps, kept so by the API under the organization's stage lock; at most 50 stages.
  position            integer NOT NULL CHECK (position BETWEEN 1 AND 50),
  default_probability integer NOT NULL DEFAULT 0 CHECK (default_probability BETWEEN 0 AND 100),
  kind                "AcquisitionStageKind" NOT NULL DEFAULT 'OPEN',
  created_at          timestamptz(3) NOT NULL DEFAULT now(),
  updated_at          timestamptz(3) NOT NULL DEFAULT now(),
  version             integer NOT NULL DEFAULT 1 CHECK (version > 0),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  -- Checked at the end of each statement, so one UPDATE can permute the positions (reorder).
  CONSTRAINT acquisition_stages_org_position_key UNIQUE (organization_id, position) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE UNIQUE INDEX acquisition_stages_org_name_key ON acquisition_stages (organization_id, lower(name));
CREATE TRIGGER acquisition_stages_touch BEFORE UPDATE ON acquisition_stages
  FOR EACH ROW EXECUTE FUNCTION app.touch_row();

ALTER TABLE acquisition_stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE acquisition_stages FORCE ROW LEVEL SECURITY;
CREATE POLICY acquisition_stages_tenant ON acquisition_stages FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
CREATE POLICY acquisition_stages_write_insert ON acquisition_stages AS RESTRICTIVE FOR INSERT TO crm_app
  WITH CHECK ((SELECT app.current_member_role()) = 'ADMIN');
CREATE POLICY acquisition_stages_write_update ON acquisition_stages AS RESTRICTIVE FOR UPDATE TO crm_app
  USING ((SELECT app.current_member_role()) = 'ADMIN');
CREATE POLICY acquisition_stages_write_delete ON acquisition_stages AS RESTRICTIVE FOR DELETE TO crm_app
  USING ((SELECT app.current_member_role()) = 'ADMIN');
-- A stage is configuration, deleted for good (the API refuses while a live contact is in it).
GRANT SELECT, INSERT, UPDATE, DELETE ON acquisition_stages TO crm_app;

------------------------------------------------------------------------------
-- contacts: their service line and acquisition stage
------------------------------------------------------------------------------

ALTER TABLE contacts
  ADD COLUMN product_id uuid,
  ADD COLUMN acquisition_stage_id uuid,
  -- Products are never deleted (soft delete), so a contact keeps its product id.
  ADD CONSTRAINT contacts_product_fk FOREIGN KEY (organization_id, product_id)
    REFERENCES products (organization_id, id),
  -- A deleted stage leaves the (soft-deleted) contacts still in it without a stage; the
  -- audit trigger records that change on each of them.
  ADD CONSTRAINT contacts_acquisition_stage_fk FOREIGN KEY (organization_id, acquisition_stage_id)
    REFERENCES acquisition_stages (organization_id, id) ON DELETE SET NULL (acquisition_stage_id);
CREATE INDEX contacts_org_product_idx ON contacts (organization_id, product_id)
  WHERE product_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contacts_org_stage_idx ON contacts (organization_id, acquisition_stage_id)
  WHERE acquisition_stage_id IS NOT NULL;
-- The OWN visibility's second test (assigned_to_id has contacts_org_assignee_idx).
CREATE INDEX contacts_org_creator_idx ON contacts (organization_id, created_by_id);

------------------------------------------------------------------------------
-- organizations.contact_visibility, and the policy that enforces it
------------------------------------------------------------------------------

ALTER TABLE organizations
  ADD COLUMN contact_visibility "ContactVisibility" NOT NULL DEFAULT 'ALL';

-- Whether the current organization lets its AGENTs see every contact; true when no
-- organization row is visible, which the tenant policy already empties anyway.
CREATE FUNCTION app.agents_see_all_contacts() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT coalesce(
      (SELECT o.contact_visibility = 'ALL' FROM public.organizations o WHERE o.id = app.current_org_id()),
      true)
  $$;

-- ALL keeps what every role saw before; OWN narrows an AGENT to the contacts assigned to or
-- created by them, for reads and writes (as leads_agent_scope does for leads). The
-- subselects run once per statement (init plans), not once per row.
CREATE POLICY contacts_agent_scope ON contacts AS RESTRICTIVE FOR ALL TO crm_app
  USING (
    NOT (SELECT app.is_agent())
    OR (SELECT app.agents_see_all_contacts())
    OR assigned_to_id = (SELECT app.current_user_id())
    OR created_by_id = (SELECT app.current_user_id())
  )
  WITH CHECK (
    NOT (SELECT app.is_agent())
    OR (SELECT app.agents_see_all_contacts())
    OR assigned_to_id = (SELECT app.current_user_id())
    OR created_by_id = (SELECT app.current_user_id())
  );

------------------------------------------------------------------------------
-- Audit history
------------------------------------------------------------------------------

SELECT app.audit_attach('products'::regclass, 'organization_id', 'id', '{}');
SELECT app.audit_attach('acquisition_stages'::regclass, 'organization_id', 'id', '{}');

------------------------------------------------------------------------------
-- Grants, and Supabase's Data API
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION app.check_active_products(), app.agents_see_all_contacts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.check_active_products(), app.agents_see_all_contacts() TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON products, acquisition_stages FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
