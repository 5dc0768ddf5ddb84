-- app.begin_key_request, cheaper: the key and its creator's membership in one statement
-- (was two), and the settings in one set_config statement (was two, resetting every setting
-- before setting it). Same answers, same settings, same last-use touch: what verifying a key
-- costs the database per request comes down to what a member's app.begin_request costs
-- (docs/api-keys.md, "What a key costs").
CREATE OR REPLACE FUNCTION app.begin_key_request(p_hash bytea, p_org uuid, p_request_id text DEFAULT NULL,
                                                 p_touch boolean DEFAULT false)
  RETURNS TABLE (org_id uuid, member_role text, key_id uuid, key_status text, scopes text[], user_id uuid)
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  v_id         uuid;
  v_org        uuid;
  v_user       uuid;
  v_key_role   "MemberRole";
  v_member     "MemberRole";
  v_scopes     text[];
  v_revoked    timestamptz;
  v_expires    timestamptz;
  v_last_used  timestamptz;
  v_role       "MemberRole";
  v_status     text := 'UNKNOWN';
BEGIN
  -- Only while still the connecting role, owner of api_keys, before any tenant is set: the
  -- key by its current secret, or its previous one during a rotation's grace period, with
  -- its creator's membership.
  IF current_user <> 'crm_app' AND app.current_org_id() IS NULL THEN
    SELECT a.id, a.organization_id, a.created_by_id, a.role, m.role, a.scopes, a.revoked_at, a.expires_at, a.last_used_at
      INTO v_id, v_org, v_user, v_key_role, v_member, v_scopes, v_revoked, v_expires, v_last_used
      FROM public.api_keys a
      LEFT JOIN public.memberships m ON m.organization_id = a.organization_id AND m.user_id = a.created_by_id
     WHERE a.key_hash = p_hash;
    IF NOT FOUND THEN
      SELECT a.id, a.organization_id, a.created_by_id, a.role, m.role, a.scopes, a.revoked_at, a.expires_at, a.last_used_at
        INTO v_id, v_org, v_user, v_key_role, v_member, v_scopes, v_revoked, v_expires, v_last_used
        FROM public.api_keys a
        LEFT JOIN public.memberships m ON m.organization_id = a.organization_id AND m.user_id = a.created_by_id
       WHERE a.previous_key_hash = p_hash AND a.previous_expires_at > now();
    END IF;
  END IF;
  IF v_id IS NOT NULL THEN
    -- MemberRole is declared from most to least privileged: the greater is the lesser role.
    v_role := GREATEST(v_key_role, v_member);
    v_status := CASE
      WHEN v_revoked IS NOT NULL OR v_member IS NULL THEN 'REVOKED'
      WHEN v_expires IS NOT NULL AND v_expires <= now() THEN 'EXPIRED'
      WHEN p_org IS NOT NULL AND p_org <> v_org THEN 'OTHER_ORGANIZATION'
      ELSE 'ACTIVE'
    END;
    -- Last use, at most once a minute, never waiting for a request that holds the row.
    IF p_touch AND v_status = 'ACTIVE' AND (v_last_used IS NULL OR v_last_used < now() - interval '1 minute') THEN
      UPDATE public.api_keys SET last_used_at = now()
       WHERE id = (SELECT a.id FROM public.api_keys a WHERE a.id = v_id FOR UPDATE SKIP LOCKED);
    END IF;
  END IF;
  IF v_status <> 'ACTIVE' THEN
    -- Every tenant setting empty: every tenant policy matches nothing.
    PERFORM set_config('role', 'crm_app', true),
            set_config('app.current_user_id', '', true),
            set_config('app.current_org_id', '', true),
            set_config('app.current_role', '', true),
            set_config('app.current_api_key_id', '', true),
            set_config('app.request_id', coalesce(p_request_id, ''), true);
    RETURN QUERY SELECT NULL::uuid, NULL::text, v_id, v_status, NULL::text[], NULL::uuid;
    RETURN;
  END IF;
  PERFORM set_config('role', 'crm_app', true),
          set_config('app.current_user_id', v_user::text, true),
          set_config('app.current_org_id', v_org::text, true),
          set_config('app.current_role', v_role::text, true),
          set_config('app.current_api_key_id', v_id::text, true),
          set_config('app.request_id', coalesce(p_request_id, ''), true);
  RETURN QUERY SELECT v_org, v_role::text, v_id, v_status, v_scopes, v_user;
END
$$;
