-- app.begin_request answers only while its transaction is still the connecting role's (the
-- first statement of a unit of work), as app.begin_key_request does since 20261206310000.
-- Called again by crm_app later in the transaction, it used to switch that transaction to any
-- user and to any organization of theirs: only the API sends SQL as crm_app, so this was
-- defence in depth, not a hole reachable over HTTP. Now such a call changes nothing (the
-- caller keeps its user, organization and role) and answers no organization. The rest of the
-- body is 20261206010000's.
CREATE OR REPLACE FUNCTION app.begin_request(p_user uuid, p_org uuid, p_request_id text DEFAULT NULL)
  RETURNS TABLE (org_id uuid, member_role text, membership_count integer)
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  v_org  uuid := p_org;
  v_role text;
  v_n    integer := 0;
BEGIN
  IF current_user = 'crm_app' THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, 0;
    RETURN;
  END IF;
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
