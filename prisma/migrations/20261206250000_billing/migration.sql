-- Billing (issue 19, item 4): an organization's Stripe subscription, and the Stripe events
-- already handled. See docs/billing.md.
--
-- Billing is off unless STRIPE_SECRET_KEY is set; then the API keeps one row per
-- organization here once it has a Stripe customer (made on its first checkout). Webhooks
-- bring the subscription's state; app.billing_writes_blocked() tells the first statement
-- of a write's unit of work whether the organization has lost access past its grace period.

------------------------------------------------------------------------------
-- organization_billing: one row per organization that has a Stripe customer
------------------------------------------------------------------------------

CREATE TABLE organization_billing (
  organization_id        uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  stripe_customer_id     text NOT NULL CHECK (length(stripe_customer_id) BETWEEN 1 AND 255),
  stripe_subscription_id text CHECK (length(stripe_subscription_id) BETWEEN 1 AND 255),
  -- The plan: the Stripe price the subscription is on (seed 003's price_id).
  price_id               text CHECK (length(price_id) BETWEEN 1 AND 255),
  -- Stripe's subscription status (active, trialing, past_due, canceled, unpaid, incomplete…); 'none' before one exists.
  status                 text NOT NULL DEFAULT 'none' CHECK (length(status) BETWEEN 1 AND 40),
  -- The subscription's quantity as Stripe last reported it.
  seats                  integer CHECK (seats >= 0),
  -- Seed 003's has_access: the subscription is active or trialing.
  has_access             boolean NOT NULL DEFAULT false,
  current_period_end     timestamptz(3),
  -- Set when access is lost (a failed payment, a cancellation): writes keep working until
  -- then. Cleared when access returns.
  grace_ends_at          timestamptz(3),
  -- The created time of the last Stripe event applied: an older event arriving late never
  -- overwrites a newer state.
  last_event_at          timestamptz(3),
  created_at             timestamptz(3) NOT NULL DEFAULT now(),
  updated_at             timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id),
  UNIQUE (stripe_customer_id)
);
CREATE TRIGGER organization_billing_touch BEFORE UPDATE ON organization_billing
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE organization_billing ENABLE ROW LEVEL SECURITY;
ALTER TABLE organization_billing FORCE ROW LEVEL SECURITY;
-- Every member's unit of work reads its organization's row (app.billing_writes_blocked);
-- the routes that show or change it are ADMIN-only in the API, and webhooks act as the
-- organization through a trusted unit of work.
CREATE POLICY organization_billing_tenant ON organization_billing FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
GRANT SELECT, INSERT ON organization_billing TO crm_app;
GRANT UPDATE (stripe_subscription_id, price_id, status, seats, has_access, current_period_end, grace_ends_at,
              last_event_at, updated_at)
  ON organization_billing TO crm_app;
-- app.billing_organization_of (a definer function) runs as the table's owner; where that
-- role is neither superuser nor BYPASSRLS, this policy lets it read.
CREATE POLICY organization_billing_owner_read ON organization_billing FOR SELECT TO CURRENT_USER USING (true);

------------------------------------------------------------------------------
-- stripe_events: each Stripe event id applied once (a replay is a no-op)
------------------------------------------------------------------------------

CREATE TABLE stripe_events (
  id              text NOT NULL CHECK (length(id) BETWEEN 1 AND 255),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  type            text NOT NULL CHECK (length(type) BETWEEN 1 AND 100),
  received_at     timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id)
);
CREATE INDEX stripe_events_org_received_idx ON stripe_events (organization_id, received_at DESC);

ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE stripe_events FORCE ROW LEVEL SECURITY;
CREATE POLICY stripe_events_tenant ON stripe_events FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
GRANT SELECT, INSERT ON stripe_events TO crm_app;

------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------

-- The organization a Stripe customer belongs to, for a webhook, before any tenant is known.
-- The caller has verified Stripe's signature; it learns one organization id, nothing else.
CREATE FUNCTION app.billing_organization_of(p_customer text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT b.organization_id FROM organization_billing b WHERE b.stripe_customer_id = p_customer $$;
REVOKE ALL ON FUNCTION app.billing_organization_of(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.billing_organization_of(text) TO crm_app;

-- Whether the current organization's writes are refused: it lost access and its grace period
-- is over. No row (never subscribed) is not blocked. Invoker rights: called in the first
-- statement of a unit of work, after app.begin_request has set the role and the tenant, so
-- RLS shows it the current organization's row only (one primary-key lookup).
CREATE FUNCTION app.billing_writes_blocked() RETURNS boolean
  LANGUAGE sql VOLATILE
  AS $$
    SELECT coalesce(
      (SELECT NOT b.has_access AND b.grace_ends_at IS NOT NULL AND b.grace_ends_at <= now()
         FROM organization_billing b WHERE b.organization_id = app.current_org_id()),
      false)
  $$;
REVOKE ALL ON FUNCTION app.billing_writes_blocked() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.billing_writes_blocked() TO crm_app;

------------------------------------------------------------------------------
-- Supabase Data API: none of this is reachable by anon/authenticated
------------------------------------------------------------------------------

DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON organization_billing, stripe_events FROM %I', r);
      EXECUTE format('REVOKE ALL ON FUNCTION app.billing_organization_of(text), app.billing_writes_blocked() FROM %I', r);
    END IF;
  END LOOP;
END
$$;
