-- Lead generation (issue 17), part 2: public capture. See docs/capture.md.
--
-- A capture key is the third kind of principal (ARCHITECTURE.md, "Principals"): a
-- publishable key (`bcrm_pk_…`) a brokerage puts in its website's forms. It may only post
-- leads and events to /v1/capture/*. Only the SHA-256 of its secret is stored. It is
-- resolved by app.capture_key_principal (a definer function: the lookup by hash spans
-- organizations, as a share link's does) in a unit of work with no organization; the
-- capture itself then runs in its organization's unit of work as the system (no user,
-- role MANAGER: it must see every live lead to de-duplicate, and assign), so every tenant
-- policy applies as usual.
--
-- Lead routing: each organization's rule for who gets a captured lead (NONE, a FIXED agent,
-- or ROUND_ROBIN among the AGENTs who opted in), and the opted-in agents with when each
-- was last given a lead. The round-robin pick runs under a per-organization transaction
-- advisory lock, so two captures at once never give two leads to the same agent in a row.

------------------------------------------------------------------------------
-- capture_keys
------------------------------------------------------------------------------

CREATE TABLE capture_keys (
  id                    uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id       uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name                  text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  key_hash              bytea NOT NULL CHECK (length(key_hash) = 32),
  last_four             text NOT NULL CHECK (length(last_four) = 4),
  -- Exact browser origins (scheme://host[:port]) checked by the API; empty: server-to-server only.
  allowed_origins       text[] NOT NULL DEFAULT '{}' CHECK (cardinality(allowed_origins) <= 50),
  -- Per key and client IP, a minute.
  rate_limit_per_minute integer NOT NULL DEFAULT 30 CHECK (rate_limit_per_minute BETWEEN 1 AND 1000),
  enabled               boolean NOT NULL DEFAULT true,
  -- Leads captured with this key are attributed to it unless utm_campaign names a live one.
  campaign_id           uuid,
  created_by_id         uuid REFERENCES profiles (id) ON DELETE SET NULL,
  revoked_at            timestamptz(3),
  last_used_at          timestamptz(3),
  created_at            timestamptz(3) NOT NULL DEFAULT now(),
  updated_at            timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, campaign_id)
    REFERENCES campaigns (organization_id, id) ON DELETE SET NULL (campaign_id)
);
CREATE UNIQUE INDEX capture_keys_hash_idx ON capture_keys (key_hash);
CREATE INDEX capture_keys_org_created_idx ON capture_keys (organization_id, created_at DESC, id DESC);

ALTER TABLE capture_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE capture_keys FORCE ROW LEVEL SECURITY;
-- Managed by the organization's ADMINs signed in as themselves (never by a key).
CREATE POLICY capture_keys_admin_read ON capture_keys FOR SELECT TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
  );
CREATE POLICY capture_keys_admin_insert ON capture_keys FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
    AND created_by_id = (SELECT app.current_user_id())
  );
CREATE POLICY capture_keys_admin_update ON capture_keys FOR UPDATE TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
  )
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
GRANT SELECT, INSERT ON capture_keys TO crm_app;
GRANT UPDATE (name, allowed_origins, rate_limit_per_minute, enabled, campaign_id, revoked_at, updated_at)
  ON capture_keys TO crm_app;
-- For app.capture_key_principal when its owner is subject to RLS (not a superuser).
CREATE POLICY capture_keys_owner_read ON capture_keys FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY capture_keys_owner_update ON capture_keys FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true);

-- The key whose secret hashes to p_hash, with its state: ACTIVE, DISABLED, or REVOKED (also
-- when its creator is no longer a member, as for API keys); no row when unknown. Answers
-- only a unit of work with no organization (the capture guard's lookup), never a member's.
-- Last use is brought up to date at most once a minute, never waiting on a held row.
CREATE FUNCTION app.capture_key_principal(p_hash bytea)
  RETURNS TABLE (key_id uuid, org_id uuid, user_id uuid, status text, allowed_origins text[],
                 rate_limit_per_minute integer, campaign_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  k public.capture_keys;
  v_status text;
BEGIN
  IF app.current_org_id() IS NOT NULL THEN
    RETURN;
  END IF;
  SELECT * INTO k FROM public.capture_keys c WHERE c.key_hash = p_hash;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  v_status := CASE
    WHEN k.revoked_at IS NOT NULL OR NOT EXISTS (
      SELECT 1 FROM public.memberships m WHERE m.organization_id = k.organization_id AND m.user_id = k.created_by_id)
      THEN 'REVOKED'
    WHEN NOT k.enabled THEN 'DISABLED'
    ELSE 'ACTIVE'
  END;
  IF v_status = 'ACTIVE' AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') THEN
    UPDATE public.capture_keys SET last_used_at = now()
     WHERE id = (SELECT c.id FROM public.capture_keys c WHERE c.id = k.id FOR UPDATE SKIP LOCKED);
  END IF;
  RETURN QUERY SELECT k.id, k.organization_id, k.created_by_id, v_status, k.allowed_origins,
                      k.rate_limit_per_minute, k.campaign_id;
END
$$;
REVOKE ALL ON FUNCTION app.capture_key_principal(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.capture_key_principal(bytea) TO crm_app;

------------------------------------------------------------------------------
-- lead_routing: one rule per organization (no row: NONE)
------------------------------------------------------------------------------

CREATE TABLE lead_routing (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  mode            text NOT NULL DEFAULT 'NONE' CHECK (mode IN ('NONE', 'FIXED', 'ROUND_ROBIN')),
  agent_id        uuid,
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id),
  CONSTRAINT lead_routing_fixed_agent CHECK ((mode = 'FIXED') = (agent_id IS NOT NULL)),
  -- A FIXED agent who leaves the organization takes the rule back to NONE with them.
  FOREIGN KEY (organization_id, agent_id)
    REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE
);

ALTER TABLE lead_routing ENABLE ROW LEVEL SECURITY;
ALTER TABLE lead_routing FORCE ROW LEVEL SECURITY;
-- Every member's unit of work may read it (capture runs as the system); the API shows it to
-- ADMINs and MANAGERs. Only ADMINs signed in as themselves change it.
CREATE POLICY lead_routing_tenant ON lead_routing FOR SELECT TO crm_app
  USING (organization_id = (SELECT app.current_org_id()));
CREATE POLICY lead_routing_admin_insert ON lead_routing FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
  );
CREATE POLICY lead_routing_admin_update ON lead_routing FOR UPDATE TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
  )
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
GRANT SELECT, INSERT ON lead_routing TO crm_app;
GRANT UPDATE (mode, agent_id, updated_at) ON lead_routing TO crm_app;

------------------------------------------------------------------------------
-- lead_routing_agents: the AGENTs who opted in to round-robin
------------------------------------------------------------------------------

CREATE TABLE lead_routing_agents (
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id          uuid NOT NULL,
  opted_in_at      timestamptz(3) NOT NULL DEFAULT now(),
  -- The round-robin's position: the agent given a lead longest ago (or never) is next.
  last_assigned_at timestamptz(3),
  assigned_count   integer NOT NULL DEFAULT 0 CHECK (assigned_count >= 0),
  PRIMARY KEY (organization_id, user_id),
  -- Leaving the organization ends the opt-in.
  FOREIGN KEY (organization_id, user_id)
    REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE
);
CREATE INDEX lead_routing_agents_next_idx ON lead_routing_agents (organization_id, last_assigned_at NULLS FIRST, user_id);

ALTER TABLE lead_routing_agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE lead_routing_agents FORCE ROW LEVEL SECURITY;
CREATE POLICY lead_routing_agents_tenant ON lead_routing_agents FOR SELECT TO crm_app
  USING (organization_id = (SELECT app.current_org_id()));
-- An AGENT opts themself in or out, signed in as themselves.
CREATE POLICY lead_routing_agents_self_insert ON lead_routing_agents FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND user_id = (SELECT app.current_user_id())
    AND (SELECT app.current_member_role()) = 'AGENT'
    AND (SELECT app.current_api_key_id()) IS NULL
  );
CREATE POLICY lead_routing_agents_self_delete ON lead_routing_agents FOR DELETE TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND user_id = (SELECT app.current_user_id())
    AND (SELECT app.current_api_key_id()) IS NULL
  );
-- The round-robin's bookkeeping, by whoever captures a lead (a writer of the organization).
CREATE POLICY lead_routing_agents_turn ON lead_routing_agents FOR UPDATE TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND (SELECT app.can_write()))
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
GRANT SELECT, INSERT, DELETE ON lead_routing_agents TO crm_app;
GRANT UPDATE (last_assigned_at, assigned_count) ON lead_routing_agents TO crm_app;

------------------------------------------------------------------------------
-- Idempotency keys sent with a capture key are the key's own
------------------------------------------------------------------------------

-- Scoped '<organization>:capture:<key id>' (stored under the key's creator, whose row the
-- idempotency policy needs), apart from the creator's own keys and their API keys'.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_scope_check,
  ADD CONSTRAINT idempotency_keys_scope_check
    CHECK (scope = '' OR scope ~ '^[0-9a-f-]{36}(:(key|capture):[0-9a-f-]{36})?$');

------------------------------------------------------------------------------
-- Supabase Data API: none of these tables or functions is for anon/authenticated
------------------------------------------------------------------------------

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON capture_keys, lead_routing, lead_routing_agents FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;

------------------------------------------------------------------------------
-- Audit history
------------------------------------------------------------------------------

-- A key's and the routing rule's changes are ADMINs' decisions worth a history; the key's hash
-- and its last use are never recorded. The opted-in agents' turns are routing's own
-- bookkeeping (a row changes on every capture), not audited.
SELECT app.audit_attach('capture_keys'::regclass, 'organization_id', 'id', '{key_hash,last_used_at}');
SELECT app.audit_attach('lead_routing'::regclass, 'organization_id', 'organization_id', '{}');
-- Capture keys are for ADMINs' eyes, as API keys and webhooks are.
DROP POLICY audit_log_admin_tables ON audit_log;
CREATE POLICY audit_log_admin_tables ON audit_log AS RESTRICTIVE FOR SELECT TO crm_app
  USING ((SELECT app.current_member_role() = 'ADMIN') OR table_name NOT IN ('api_keys', 'webhooks', 'capture_keys'));
