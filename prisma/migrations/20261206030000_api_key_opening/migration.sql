-- A key's opening statement finds the key itself, without a SECURITY DEFINER call.
--
-- app.begin_key_request called app.api_key_principal, a definer function with a pinned
-- search_path, to look the key up: the call (its search_path saved and restored, its rows
-- gathered) made a key's request cost its database ≈ 30 % more than a member's
-- (pgbench, 8 clients: 4,000–4,200 against 4,500–6,100 transactions a second). The
-- opening statement runs first in its transaction, still as the connecting role that owns
-- api_keys (superuser or BYPASSRLS, or allowed by api_keys' owner policies), so it reads the
-- key and brings its last use up to date there, then switches to crm_app as before. Called
-- later in a transaction, as crm_app, it finds no key: UNKNOWN, every setting empty.
-- It now also returns the key's creator, so the guards look a key up with this very
-- statement, and app.api_key_principal goes.

DROP FUNCTION app.begin_key_request(bytea, uuid, text);
DROP FUNCTION app.api_key_principal(bytea);

CREATE FUNCTION app.begin_key_request(p_hash bytea, p_org uuid, p_request_id text DEFAULT NULL)
  RETURNS TABLE (org_id uuid, member_role text, key_id uuid, key_status text, scopes text[], user_id uuid)
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  k api_keys;
  v_status text := 'UNKNOWN';
BEGIN
  -- As the connecting role: the key by its current secret, or its previous one in a rotation's grace period.
  SELECT * INTO k FROM api_keys a WHERE a.key_hash = p_hash;
  IF NOT FOUND THEN
    SELECT * INTO k FROM api_keys a WHERE a.previous_key_hash = p_hash AND a.previous_expires_at > now();
  END IF;
  IF k.id IS NOT NULL THEN
    v_status := CASE
      WHEN k.revoked_at IS NOT NULL OR k.created_by_id IS NULL THEN 'REVOKED'
      WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'EXPIRED'
      WHEN p_org IS NOT NULL AND p_org <> k.organization_id THEN 'OTHER_ORGANIZATION'
      ELSE 'ACTIVE'
    END;
    -- Last use, at most once a minute, never waiting for another request that holds the row.
    IF v_status = 'ACTIVE' AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') THEN
      UPDATE api_keys SET last_used_at = now()
       WHERE id = (SELECT a.id FROM api_keys a WHERE a.id = k.id FOR UPDATE SKIP LOCKED);
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
          set_config('app.current_role', k.role::text, true),
          set_config('app.current_api_key_id', k.id::text, true);
  RETURN QUERY SELECT k.organization_id, k.role::text, k.id, v_status, k.scopes, k.created_by_id;
END
$$;
REVOKE ALL ON FUNCTION app.begin_key_request(bytea, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.begin_key_request(bytea, uuid, text) TO crm_app;
