-- Who may take an address from an unverified account (issue 19 review).
--
-- 1. Signing up through an invitation released ANY unverified holder of the address. The holder
--    may be the invitee themself: someone who never clicked the verification link but created an
--    organization and worked in it. Releasing that account left its organization with no way in.
--    An unverified holder that belongs to an organization now keeps the address: the answer is
--    EMAIL_TAKEN, and the person signs in, verifies the address (POST /v1/auth/verify/resend) and
--    accepts the invitation as that account. A holder with no membership is released as before.
-- 2. A Supabase Auth user (their address confirmed by Supabase) whose address an unverified
--    embedded account with no membership holds: that account is released the same way, instead of
--    every request of the real owner answering 409 EMAIL_TAKEN (app.release_unverified_email).
-- 3. Both read the holder through profiles_email_key (the `email <> ''` condition is what lets
--    the partial unique index serve the lookup; without it, a sequential scan).
-- 4. app.profile_id_by_email (adding members by address before verification existed) is
--    used by nothing since the invitations and answers for unverified accounts: dropped.

-- The placeholder a released account gets: it can no longer sign in with the address.
CREATE FUNCTION app.release_email_of(p_holder public.profiles)
  RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  UPDATE public.auth_credentials c SET email = 'released+' || p_holder.id::text || '@invalid' WHERE c.user_id = p_holder.id;
  UPDATE public.profiles p SET email = 'released+' || p_holder.id::text || '@invalid' WHERE p.id = p_holder.id;
  DELETE FROM public.email_verifications e WHERE e.user_id = p_holder.id;
$$;

CREATE OR REPLACE FUNCTION app.claim_invited_email(p_hash bytea, p_email text)
  RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v public.invitations;
  v_holder public.profiles;
BEGIN
  SELECT * INTO v FROM public.invitations i WHERE i.token_hash = p_hash FOR UPDATE;
  IF NOT FOUND THEN RETURN 'NOT_FOUND'; END IF;
  IF v.revoked_at IS NOT NULL THEN RETURN 'REVOKED'; END IF;
  IF v.accepted_at IS NOT NULL THEN RETURN 'USED'; END IF;
  IF v.expires_at <= now() THEN RETURN 'EXPIRED'; END IF;
  IF v.email <> lower(p_email) THEN RETURN 'EMAIL_MISMATCH'; END IF;
  SELECT * INTO v_holder FROM public.profiles p WHERE lower(p.email) = v.email AND p.email <> '' FOR UPDATE;
  IF NOT FOUND THEN RETURN 'OK'; END IF;
  IF v_holder.email_verified_at IS NOT NULL
     OR EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = v_holder.id) THEN
    RETURN 'EMAIL_TAKEN';
  END IF;
  PERFORM app.release_email_of(v_holder);
  RETURN 'OK';
END
$$;

-- For the unit of work's user, who has no profile yet and whose token carries `p_email`
-- (a Supabase Auth user seen for the first time): releases the address from an unverified
-- account with no membership. True when the address is free now (or was), false when a verified
-- account, or one that belongs to an organization, holds it.
CREATE FUNCTION app.release_unverified_email(p_email text)
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v_user uuid := app.current_user_id();
  v_holder public.profiles;
BEGIN
  IF v_user IS NULL OR p_email = '' OR EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = v_user) THEN
    RETURN false;
  END IF;
  SELECT * INTO v_holder FROM public.profiles p WHERE lower(p.email) = lower(p_email) AND p.email <> '' FOR UPDATE;
  IF NOT FOUND THEN RETURN true; END IF;
  IF v_holder.email_verified_at IS NOT NULL
     OR EXISTS (SELECT 1 FROM public.memberships m WHERE m.user_id = v_holder.id) THEN
    RETURN false;
  END IF;
  PERFORM app.release_email_of(v_holder);
  RETURN true;
END
$$;

REVOKE ALL ON FUNCTION app.release_email_of(public.profiles), app.release_unverified_email(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.release_unverified_email(text) TO crm_app;

DROP FUNCTION app.profile_id_by_email(text);

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON FUNCTION app.release_email_of(public.profiles), app.release_unverified_email(text) FROM %I', r);
    END IF;
  END LOOP;
END
$$;
