-- API keys for integrations (issue 15, seed 001's integration_tokens), and the request id
-- every unit of work now records for the audit history.
--
-- A key is a principal of its own kind in SQL, not a bypass: app.begin_key_request is
-- the key's app.begin_request. It switches to crm_app like any request, resolves the key
-- from the SHA-256 of its secret (the only thing stored, with its last four characters),
-- and sets the same settings a member's request sets, plus app.current_api_key_id. The key
-- acts for its creator (app.current_user_id(): "created by", "my leads", a comment's
-- author) with the role it was given, at most its creator's: RLS then applies exactly as
-- it would to a member with that role. Removing the creator from the organization revokes
-- their keys; lowering their role lowers their keys' role to match.

-- The key of the current transaction, if a key is acting; null for members.
CREATE FUNCTION app.current_api_key_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.current_api_key_id', true), '')::uuid $$;
GRANT EXECUTE ON FUNCTION app.current_api_key_id() TO crm_app;

------------------------------------------------------------------------------
-- api_keys
------------------------------------------------------------------------------

CREATE TABLE api_keys (
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  scopes              text[] NOT NULL CHECK (cardinality(scopes) BETWEEN 1 AND 64),
  role                "MemberRole" NOT NULL,
  key_hash            bytea NOT NULL CHECK (length(key_hash) = 32),
  last_four           text NOT NULL CHECK (length(last_four) = 4),
  -- After a rotation, the previous secret keeps working until previous_expires_at.
  previous_key_hash   bytea CHECK (length(previous_key_hash) = 32),
  previous_expires_at timestamptz(3),
  created_by_id       uuid REFERENCES profiles (id) ON DELETE SET NULL,
  expires_at          timestamptz(3),
  revoked_at          timestamptz(3),
  last_used_at        timestamptz(3),
  created_at          timestamptz(3) NOT NULL DEFAULT now(),
  updated_at          timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  CONSTRAINT api_keys_previous_pair CHECK ((previous_key_hash IS NULL) = (previous_expires_at IS NULL))
);
CREATE UNIQUE INDEX api_keys_hash_idx ON api_keys (key_hash);
CREATE UNIQUE INDEX api_keys_previous_hash_idx ON api_keys (previous_key_hash) WHERE previous_key_hash IS NOT NULL;
CREATE INDEX api_keys_org_created_idx ON api_keys (organization_id, created_at DESC, id DESC);
CREATE INDEX api_keys_org_creator_idx ON api_keys (organization_id, created_by_id);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
-- Managed by the organization's ADMINs, signed in as themselves: a key never manages keys.
CREATE POLICY api_keys_admin ON api_keys FOR ALL TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
  )
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
  );
GRANT SELECT, INSERT, UPDATE ON api_keys TO crm_app;

-- The definer functions below run as the table's owner (the migration role). Where that
-- role is a superuser or BYPASSRLS (Supabase's postgres, the tests) RLS does not apply to
-- it; for any other owner these give it exactly what those functions do.
CREATE POLICY api_keys_owner_read ON api_keys FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY api_keys_owner_update ON api_keys FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true);

------------------------------------------------------------------------------
-- Resolving a key: by the hash of its secret, before anyone is known
------------------------------------------------------------------------------

-- The key whose current (or, during a rotation's grace period, previous) secret hashes to
-- p_hash, with its state. An ACTIVE key's last_used_at is brought up to date at most once
-- a minute, and never waits for another request holding the row: no write per request,
-- no queue behind a busy key.
CREATE FUNCTION app.api_key_principal(p_hash bytea)
  RETURNS TABLE (key_id uuid, org_id uuid, user_id uuid, member_role "MemberRole", scopes text[], status text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  k api_keys;
  v_status text;
BEGIN
  SELECT * INTO k FROM api_keys a
   WHERE a.key_hash = p_hash
      OR (a.previous_key_hash = p_hash AND a.previous_expires_at > now());
  IF NOT FOUND THEN
    RETURN;
  END IF;
  v_status := CASE
    WHEN k.revoked_at IS NOT NULL THEN 'REVOKED'
    WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'EXPIRED'
    ELSE 'ACTIVE'
  END;
  IF v_status = 'ACTIVE' AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') THEN
    UPDATE api_keys SET last_used_at = now()
     WHERE id = (SELECT a.id FROM api_keys a WHERE a.id = k.id FOR UPDATE SKIP LOCKED);
  END IF;
  RETURN QUERY SELECT k.id, k.organization_id, k.created_by_id, k.role, k.scopes, v_status;
END
$$;
REVOKE ALL ON FUNCTION app.api_key_principal(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.api_key_principal(bytea) TO crm_app;

------------------------------------------------------------------------------
-- app.begin_request gains the request id; app.begin_key_request is its twin for keys
------------------------------------------------------------------------------

-- Same as before, plus app.request_id (recorded by the audit history). The new argument
-- has a default, so callers of the two-argument form keep working.
DROP FUNCTION app.begin_request(uuid, uuid);
CREATE FUNCTION app.begin_request(p_user uuid, p_org uuid, p_request_id text DEFAULT NULL)
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
          set_config('app.current_role', '', true),
          set_config('app.current_api_key_id', '', true),
          set_config('app.request_id', coalesce(p_request_id, ''), true);
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
REVOKE ALL ON FUNCTION app.begin_request(uuid, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.begin_request(uuid, uuid, text) TO crm_app;

-- The first statement of a key's unit of work. key_status is ACTIVE, EXPIRED, REVOKED,
-- UNKNOWN, or OTHER_ORGANIZATION when p_org names an organization that is not the key's;
-- the settings are made only for an ACTIVE key in its own organization, so in every
-- other case every tenant policy matches nothing.
CREATE FUNCTION app.begin_key_request(p_hash bytea, p_org uuid, p_request_id text DEFAULT NULL)
  RETURNS TABLE (org_id uuid, member_role text, key_id uuid, key_status text, scopes text[])
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  k record;
BEGIN
  PERFORM set_config('role', 'crm_app', true),
          set_config('app.current_user_id', '', true),
          set_config('app.current_org_id', '', true),
          set_config('app.current_role', '', true),
          set_config('app.current_api_key_id', '', true),
          set_config('app.request_id', coalesce(p_request_id, ''), true);
  SELECT * INTO k FROM app.api_key_principal(p_hash);
  IF k.key_id IS NULL THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, NULL::uuid, 'UNKNOWN'::text, NULL::text[];
    RETURN;
  END IF;
  IF k.status <> 'ACTIVE' OR k.user_id IS NULL THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, k.key_id, CASE WHEN k.status = 'ACTIVE' THEN 'REVOKED' ELSE k.status END,
                        NULL::text[];
    RETURN;
  END IF;
  IF p_org IS NOT NULL AND p_org <> k.org_id THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, k.key_id, 'OTHER_ORGANIZATION'::text, NULL::text[];
    RETURN;
  END IF;
  PERFORM set_config('app.current_user_id', k.user_id::text, true),
          set_config('app.current_org_id', k.org_id::text, true),
          set_config('app.current_role', k.member_role::text, true),
          set_config('app.current_api_key_id', k.key_id::text, true);
  RETURN QUERY SELECT k.org_id, k.member_role::text, k.key_id, 'ACTIVE'::text, k.scopes;
END
$$;
REVOKE ALL ON FUNCTION app.begin_key_request(bytea, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.begin_key_request(bytea, uuid, text) TO crm_app;

------------------------------------------------------------------------------
-- A key never outranks its creator
------------------------------------------------------------------------------

-- Removing a member revokes the keys they created in that organization; lowering their
-- role lowers their keys' to match (MemberRole is declared from most to least
-- privileged, so a greater value is a lesser role). Definer functions: the member who
-- leaves may not be an ADMIN, whom api_keys' policy requires.
CREATE FUNCTION app.api_keys_follow_creator() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE api_keys SET revoked_at = now(), updated_at = now()
     WHERE organization_id = OLD.organization_id AND created_by_id = OLD.user_id AND revoked_at IS NULL;
    RETURN NULL;
  END IF;
  IF NEW.role > OLD.role THEN
    UPDATE api_keys SET role = NEW.role, updated_at = now()
     WHERE organization_id = NEW.organization_id AND created_by_id = NEW.user_id AND role < NEW.role;
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION app.api_keys_follow_creator() FROM PUBLIC;
CREATE TRIGGER memberships_api_keys AFTER UPDATE OF role OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION app.api_keys_follow_creator();
