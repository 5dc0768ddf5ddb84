-- Hardening of API keys and the audit history, from a review of both before release.
--
-- 1. A key never outranks its creator *now*, not only at creation: app.begin_key_request
--    joins the creator's membership and acts with the lesser of the two roles, and a key
--    whose creator is no longer a member is REVOKED. (The trigger that lowers keys' roles
--    cannot see a key inserted by a transaction that has not committed yet.)
-- 2. crm_app may create a key only as its own creator, and may change only what the API
--    changes: no UPDATE of organization_id, role or created_by_id (the actor the audit
--    history records for a key's work).
-- 3. app.begin_key_request answers UNKNOWN unless it is the first statement of its
--    transaction (still the connecting role, no organization set): called as crm_app inside
--    an ADMIN's transaction, where api_keys' policy shows that ADMIN the organization's keys,
--    it must not switch the transaction to a key. Table names are schema-qualified.
-- 4. A key's last use is no longer brought up to date in the key's own units of work, whose
--    row lock on the key would make a revocation or a PATCH wait for the whole request: only
--    in the short transaction of the guards' lookup (p_touch).
-- 5. Audit reads: a key below MANAGER sees only its own changes (not every change of its
--    creator), and the history of api_keys is for ADMINs only (MANAGERs cannot read the keys).
-- 6. Audit retention is at least a year: an ADMIN cannot erase last month's history by
--    setting it to a day.
-- 7. Filtering the audit history by API key (?keyId=) has an index.
-- 8. Idempotency keys sent with an API key are the key's own.

DROP FUNCTION app.begin_key_request(bytea, uuid, text);

CREATE FUNCTION app.begin_key_request(p_hash bytea, p_org uuid, p_request_id text DEFAULT NULL,
                                      p_touch boolean DEFAULT false)
  RETURNS TABLE (org_id uuid, member_role text, key_id uuid, key_status text, scopes text[], user_id uuid)
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  k            public.api_keys;
  v_member     "MemberRole";
  v_role       "MemberRole";
  v_status     text := 'UNKNOWN';
  v_first      boolean := current_user <> 'crm_app' AND app.current_org_id() IS NULL;
BEGIN
  IF v_first THEN
    -- Still the connecting role, owner of api_keys: the key by its current secret, or its
    -- previous one during a rotation's grace period; then its creator's membership.
    SELECT * INTO k FROM public.api_keys a WHERE a.key_hash = p_hash;
    IF NOT FOUND THEN
      SELECT * INTO k FROM public.api_keys a WHERE a.previous_key_hash = p_hash AND a.previous_expires_at > now();
    END IF;
  END IF;
  IF k.id IS NOT NULL THEN
    SELECT m.role INTO v_member FROM public.memberships m
     WHERE m.organization_id = k.organization_id AND m.user_id = k.created_by_id;
    -- MemberRole is declared from most to least privileged: the greater is the lesser role.
    v_role := GREATEST(k.role, v_member);
    v_status := CASE
      WHEN k.revoked_at IS NOT NULL OR v_member IS NULL THEN 'REVOKED'
      WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'EXPIRED'
      WHEN p_org IS NOT NULL AND p_org <> k.organization_id THEN 'OTHER_ORGANIZATION'
      ELSE 'ACTIVE'
    END;
    -- Last use, at most once a minute, never waiting for a request that holds the row.
    IF p_touch AND v_status = 'ACTIVE' AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') THEN
      UPDATE public.api_keys SET last_used_at = now()
       WHERE id = (SELECT a.id FROM public.api_keys a WHERE a.id = k.id FOR UPDATE SKIP LOCKED);
    END IF;
  END IF;
  PERFORM set_config('role', 'crm_app', true),
          set_config('app.current_user_id', '', true),
          set_config('app.current_org_id', '', true),
          set_config('app.current_role', '', true),
          set_config('app.current_api_key_id', '', true),
          set_config('app.request_id', coalesce(p_request_id, ''), true);
  IF v_status <> 'ACTIVE' THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, k.id, v_status, NULL::text[], NULL::uuid;
    RETURN;
  END IF;
  PERFORM set_config('app.current_user_id', k.created_by_id::text, true),
          set_config('app.current_org_id', k.organization_id::text, true),
          set_config('app.current_role', v_role::text, true),
          set_config('app.current_api_key_id', k.id::text, true);
  RETURN QUERY SELECT k.organization_id, v_role::text, k.id, v_status, k.scopes, k.created_by_id;
END
$$;
REVOKE ALL ON FUNCTION app.begin_key_request(bytea, uuid, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.begin_key_request(bytea, uuid, text, boolean) TO crm_app;

-- 2. Who may write what in api_keys.
DROP POLICY api_keys_admin ON api_keys;
CREATE POLICY api_keys_admin_read ON api_keys FOR SELECT TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
  );
CREATE POLICY api_keys_admin_insert ON api_keys FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
    AND created_by_id = (SELECT app.current_user_id())
  );
CREATE POLICY api_keys_admin_update ON api_keys FOR UPDATE TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
    AND (SELECT app.current_api_key_id()) IS NULL
  )
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
REVOKE UPDATE ON api_keys FROM crm_app;
GRANT UPDATE (name, scopes, key_hash, last_four, previous_key_hash, previous_expires_at, revoked_at, updated_at)
  ON api_keys TO crm_app;

-- 5. Audit reads: two restrictive policies beside the permissive one of 20261206020000,
--    which keeps its simple shape (the planner still reads a page along an index, no sort).
-- Each decides per caller in one initplan (a boolean), so the planner keeps reading a page along
-- the index: per-row conditions on settings made it think few rows match, and sort instead.
CREATE POLICY audit_log_api_keys_for_admins ON audit_log AS RESTRICTIVE FOR SELECT TO crm_app
  USING ((SELECT app.current_member_role() = 'ADMIN') OR table_name <> 'api_keys');
CREATE POLICY audit_log_key_sees_its_own ON audit_log AS RESTRICTIVE FOR SELECT TO crm_app
  USING (
    (SELECT app.current_api_key_id() IS NULL OR app.current_member_role() IN ('ADMIN', 'MANAGER'))
    OR actor_api_key_id = (SELECT app.current_api_key_id())
  );

-- 6. Retention.
UPDATE organizations SET audit_retention_days = 365 WHERE audit_retention_days < 365;
ALTER TABLE organizations DROP CONSTRAINT organizations_audit_retention_days_check,
  ADD CONSTRAINT organizations_audit_retention_days_check CHECK (audit_retention_days BETWEEN 365 AND 3650);

-- 7. One key's changes (?keyId=).
CREATE INDEX audit_log_api_key_idx ON audit_log (organization_id, actor_api_key_id, id DESC)
  WHERE actor_api_key_id IS NOT NULL;

-- 8. An API key's idempotency keys are its own: scoped '<organization>:key:<key id>', apart
--    from its creator's (who share the key's user id) and from the creator's other keys.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_scope_check,
  ADD CONSTRAINT idempotency_keys_scope_check
    CHECK (scope = '' OR scope ~ '^[0-9a-f-]{36}(:key:[0-9a-f-]{36})?$');
