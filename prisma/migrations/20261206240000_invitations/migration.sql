-- Email verification and invitations (issue 19, items 1 and 2's verification).
--
-- The hole this closes: the embedded auth never verified an address, so whoever signed up
-- first with a new hire's email was the account an ADMIN added as a member. Now:
--   * profiles.email_verified_at says the address is proven (a verification link, an
--     invitation link, or Supabase Auth, which confirms addresses itself). Only the
--     definer functions below set it; a changed address is unverified again (trigger).
--   * email_verifications holds verification links, hashed (SHA-256), 24 hours.
--   * invitations holds invitation links, hashed, 7 days; accepting one goes through
--     app.accept_invitation, which checks the signed-in user's address against it.
--   * email_outbox may hold account mail (organization_id NULL): a verification link goes
--     to a person before they belong anywhere. crm_app may write such a row only to the
--     signed-in user's own address.

------------------------------------------------------------------------------
-- profiles.email_verified_at
------------------------------------------------------------------------------

ALTER TABLE profiles ADD COLUMN email_verified_at timestamptz(3);

-- Accounts made before verification existed: members of an organization were added by
-- an ADMIN already, and profiles without an embedded credential come from Supabase Auth
-- (which confirms addresses). An embedded account in no organization stays unverified
-- until its owner uses a verification link.
UPDATE profiles p SET email_verified_at = p.created_at
 WHERE NOT EXISTS (SELECT 1 FROM auth_credentials c WHERE c.user_id = p.id)
    OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = p.id);

-- A new address is not verified; and the API's role never marks one verified by an
-- UPDATE (only the definer functions below, which run as their owner, do).
CREATE FUNCTION app.profiles_guard_verification() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $$
BEGIN
  IF lower(NEW.email) IS DISTINCT FROM lower(OLD.email) THEN
    NEW.email_verified_at := NULL;
  ELSIF NEW.email_verified_at IS DISTINCT FROM OLD.email_verified_at AND current_user = 'crm_app' THEN
    RAISE EXCEPTION 'email_verified_at is set by app.verify_email and app.accept_invitation only'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER profiles_guard_verification BEFORE UPDATE ON profiles
  FOR EACH ROW EXECUTE FUNCTION app.profiles_guard_verification();

------------------------------------------------------------------------------
-- email_verifications: one row per verification link sent
------------------------------------------------------------------------------

CREATE TABLE email_verifications (
  -- SHA-256 of the link's token: the token itself is only in the email.
  token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
  user_id    uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  -- The address the link was sent to: a link for an address the profile no longer has proves nothing.
  email      text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
  expires_at timestamptz(3) NOT NULL,
  used_at    timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX email_verifications_user_idx ON email_verifications (user_id);

ALTER TABLE email_verifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_verifications FORCE ROW LEVEL SECURITY;
-- A user writes links for themself (signup, resend) and drops their older ones; using a
-- link goes through app.verify_email (the person clicking it may not be signed in).
CREATE POLICY email_verifications_own ON email_verifications FOR ALL TO crm_app
  USING (user_id = (SELECT app.current_user_id()))
  WITH CHECK (user_id = (SELECT app.current_user_id()));
GRANT SELECT, INSERT, DELETE ON email_verifications TO crm_app;

-- Uses a verification link: 'OK' (the profile is verified now), 'NOT_FOUND' (no such link,
-- or the profile's address changed since), 'USED', 'EXPIRED'. Returns only the status and
-- the user the link was for.
CREATE FUNCTION app.verify_email(p_hash bytea)
  RETURNS TABLE (status text, user_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE v public.email_verifications;
BEGIN
  SELECT * INTO v FROM public.email_verifications e WHERE e.token_hash = p_hash FOR UPDATE;
  IF NOT FOUND THEN RETURN QUERY SELECT 'NOT_FOUND'::text, NULL::uuid; RETURN; END IF;
  IF v.used_at IS NOT NULL THEN RETURN QUERY SELECT 'USED'::text, v.user_id; RETURN; END IF;
  IF v.expires_at <= now() THEN RETURN QUERY SELECT 'EXPIRED'::text, v.user_id; RETURN; END IF;
  IF NOT EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = v.user_id AND lower(p.email) = v.email) THEN
    RETURN QUERY SELECT 'NOT_FOUND'::text, NULL::uuid; RETURN;
  END IF;
  UPDATE public.email_verifications e SET used_at = now() WHERE e.token_hash = p_hash;
  UPDATE public.profiles p SET email_verified_at = coalesce(p.email_verified_at, now()) WHERE p.id = v.user_id;
  RETURN QUERY SELECT 'OK'::text, v.user_id;
END
$$;

-- Whether the signed-in user's address is verified (the resend route answers early when it is).
CREATE FUNCTION app.current_email_verified() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT p.email_verified_at IS NOT NULL FROM public.profiles p WHERE p.id = app.current_user_id() $$;

-- For POST /v1/members: the account with this address and whether it is verified, to an
-- ADMIN working inside an organization only (as app.profile_id_by_email).
CREATE FUNCTION app.member_candidate_by_email(p_email text)
  RETURNS TABLE (id uuid, verified boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT p.id, p.email_verified_at IS NOT NULL FROM public.profiles p
     WHERE lower(p.email) = lower(p_email) AND p.email <> ''
       AND app.current_org_id() IS NOT NULL AND app.current_member_role() = 'ADMIN'
     ORDER BY p.created_at
     LIMIT 1
  $$;

------------------------------------------------------------------------------
-- email_outbox: account mail, which belongs to no organization
------------------------------------------------------------------------------

ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_pkey;
ALTER TABLE email_outbox ALTER COLUMN organization_id DROP NOT NULL;
ALTER TABLE email_outbox ADD PRIMARY KEY (id);
ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_id_key;
CREATE INDEX email_outbox_org_idx ON email_outbox (organization_id, id);

-- Account mail (a verification link) goes only to the signed-in user's own address.
CREATE POLICY email_outbox_account_insert ON email_outbox FOR INSERT TO crm_app
  WITH CHECK (
    organization_id IS NULL AND status = 'PENDING' AND attempts = 0
    AND (SELECT app.current_user_id()) IS NOT NULL
    AND lower(to_address) = (SELECT lower(p.email) FROM profiles p WHERE p.id = (SELECT app.current_user_id()))
  );

-- The sender's functions, now also for account mail (no organization on either side).
CREATE OR REPLACE FUNCTION app.claim_email(p_id uuid)
  RETURNS TABLE (id uuid, kind text, to_address text, subject text, text text, html text, attachments jsonb,
                 attempts integer)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    UPDATE public.email_outbox e
       SET attempts = e.attempts + 1, locked_until = now() + interval '5 minutes'
     WHERE e.organization_id IS NOT DISTINCT FROM app.current_org_id() AND e.id = p_id AND app.is_system_work()
       AND e.status = 'PENDING' AND (e.locked_until IS NULL OR e.locked_until < now())
    RETURNING e.id, e.kind, e.to_address, e.subject, e.text, e.html, e.attachments, e.attempts
  $$;

CREATE OR REPLACE FUNCTION app.finish_email(p_id uuid, p_error text, p_final boolean)
  RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    UPDATE public.email_outbox e
       SET status = CASE WHEN p_error IS NULL THEN 'SENT' WHEN p_final THEN 'FAILED' ELSE 'PENDING' END::"EmailStatus",
           sent_at = CASE WHEN p_error IS NULL THEN now() END,
           last_error = left(p_error, 1000),
           locked_until = NULL
     WHERE e.organization_id IS NOT DISTINCT FROM app.current_org_id() AND e.id = p_id AND app.is_system_work()
  $$;

CREATE OR REPLACE FUNCTION app.purge_emails(p_days integer DEFAULT 14, p_limit integer DEFAULT 10000) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE n bigint;
BEGIN
  -- System work only (the job runner's unit of work: no user, no organization).
  IF NOT (app.current_user_id() IS NULL AND app.current_org_id() IS NULL) THEN
    RAISE EXCEPTION 'purge_emails is for the job runner';
  END IF;
  IF p_days < 1 THEN
    RAISE EXCEPTION 'purge_emails: keep at least one day';
  END IF;
  DELETE FROM public.email_outbox
   WHERE id IN (
     SELECT id FROM public.email_outbox
      WHERE status <> 'PENDING' AND created_at < now() - make_interval(days => p_days)
      ORDER BY created_at
      LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

------------------------------------------------------------------------------
-- invitations: an emailed one-time link to join an organization with a role
------------------------------------------------------------------------------

CREATE TABLE invitations (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  email           text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
  role            "MemberRole" NOT NULL,
  -- SHA-256 of the link's token; a resend replaces it (the old link is dead).
  token_hash      bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  invited_by_id   uuid REFERENCES profiles (id) ON DELETE SET NULL,
  expires_at      timestamptz(3) NOT NULL,
  accepted_at     timestamptz(3),
  accepted_by_id  uuid REFERENCES profiles (id) ON DELETE SET NULL,
  revoked_at      timestamptz(3),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id)
);
-- One open invitation per address and organization (expired ones included: resend renews them).
CREATE UNIQUE INDEX invitations_open_email_idx ON invitations (organization_id, email)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_org_created_idx ON invitations (organization_id, created_at, id);
CREATE TRIGGER invitations_touch BEFORE UPDATE ON invitations
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
-- ADMINs and MANAGERs of the organization manage its invitations; a MANAGER invites AGENTs
-- and VIEWERs only (the role ceiling, here as in the API).
CREATE POLICY invitations_select ON invitations FOR SELECT TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND ((SELECT app.current_member_role()) = 'ADMIN'
         OR ((SELECT app.current_member_role()) = 'MANAGER' AND role IN ('AGENT', 'VIEWER')))
  );
CREATE POLICY invitations_insert ON invitations FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND ((SELECT app.current_member_role()) = 'ADMIN'
         OR ((SELECT app.current_member_role()) = 'MANAGER' AND role IN ('AGENT', 'VIEWER')))
  );
CREATE POLICY invitations_update ON invitations FOR UPDATE TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND ((SELECT app.current_member_role()) = 'ADMIN'
         OR ((SELECT app.current_member_role()) = 'MANAGER' AND role IN ('AGENT', 'VIEWER')))
  )
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND ((SELECT app.current_member_role()) = 'ADMIN'
         OR ((SELECT app.current_member_role()) = 'MANAGER' AND role IN ('AGENT', 'VIEWER')))
  );
GRANT SELECT, INSERT, UPDATE ON invitations TO crm_app;

-- Accepts an invitation for the signed-in user. Status: 'OK' (a member now, and the
-- address verified: the link went to it), 'NOT_FOUND', 'REVOKED', 'USED', 'EXPIRED',
-- 'EMAIL_MISMATCH' (the user's address is not the invited one), 'ALREADY_MEMBER'.
-- Returns only the status, the organization and the role.
CREATE FUNCTION app.accept_invitation(p_hash bytea)
  RETURNS TABLE (status text, organization_id uuid, role text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v public.invitations;
  v_user uuid := app.current_user_id();
BEGIN
  IF v_user IS NULL THEN RETURN QUERY SELECT 'NOT_FOUND'::text, NULL::uuid, NULL::text; RETURN; END IF;
  SELECT * INTO v FROM public.invitations i WHERE i.token_hash = p_hash FOR UPDATE;
  IF NOT FOUND THEN RETURN QUERY SELECT 'NOT_FOUND'::text, NULL::uuid, NULL::text; RETURN; END IF;
  IF v.revoked_at IS NOT NULL THEN RETURN QUERY SELECT 'REVOKED'::text, NULL::uuid, NULL::text; RETURN; END IF;
  IF v.accepted_at IS NOT NULL THEN RETURN QUERY SELECT 'USED'::text, NULL::uuid, NULL::text; RETURN; END IF;
  IF v.expires_at <= now() THEN RETURN QUERY SELECT 'EXPIRED'::text, NULL::uuid, NULL::text; RETURN; END IF;
  IF NOT EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = v_user AND lower(p.email) = v.email) THEN
    RETURN QUERY SELECT 'EMAIL_MISMATCH'::text, NULL::uuid, NULL::text; RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM public.memberships m WHERE m.organization_id = v.organization_id AND m.user_id = v_user) THEN
    RETURN QUERY SELECT 'ALREADY_MEMBER'::text, v.organization_id, NULL::text; RETURN;
  END IF;
  UPDATE public.profiles p SET email_verified_at = coalesce(p.email_verified_at, now()) WHERE p.id = v_user;
  INSERT INTO public.memberships (organization_id, user_id, role) VALUES (v.organization_id, v_user, v.role);
  UPDATE public.invitations i SET accepted_at = now(), accepted_by_id = v_user WHERE i.id = v.id;
  RETURN QUERY SELECT 'OK'::text, v.organization_id, v.role::text;
END
$$;

-- Signing up through an invitation for an address an UNVERIFIED account holds (someone
-- signed up with it first and never proved it): the link proves the newcomer owns the
-- address, so the squatting account loses it (its profile and credential get a placeholder
-- address, it cannot sign in with this one any more). Answers the invitation's status
-- ('OK', 'NOT_FOUND', 'REVOKED', 'USED', 'EXPIRED', 'EMAIL_MISMATCH', or 'EMAIL_TAKEN' when
-- a VERIFIED account holds the address) and changes nothing unless 'OK'.
CREATE FUNCTION app.claim_invited_email(p_hash bytea, p_email text)
  RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v public.invitations;
  v_holder public.profiles;
  v_placeholder text;
BEGIN
  SELECT * INTO v FROM public.invitations i WHERE i.token_hash = p_hash FOR UPDATE;
  IF NOT FOUND THEN RETURN 'NOT_FOUND'; END IF;
  IF v.revoked_at IS NOT NULL THEN RETURN 'REVOKED'; END IF;
  IF v.accepted_at IS NOT NULL THEN RETURN 'USED'; END IF;
  IF v.expires_at <= now() THEN RETURN 'EXPIRED'; END IF;
  IF v.email <> lower(p_email) THEN RETURN 'EMAIL_MISMATCH'; END IF;
  SELECT * INTO v_holder FROM public.profiles p WHERE lower(p.email) = v.email FOR UPDATE;
  IF NOT FOUND THEN RETURN 'OK'; END IF;
  IF v_holder.email_verified_at IS NOT NULL THEN RETURN 'EMAIL_TAKEN'; END IF;
  v_placeholder := 'released+' || v_holder.id::text || '@invalid';
  UPDATE public.auth_credentials c SET email = v_placeholder WHERE c.user_id = v_holder.id;
  UPDATE public.profiles p SET email = v_placeholder WHERE p.id = v_holder.id;
  DELETE FROM public.email_verifications e WHERE e.user_id = v_holder.id;
  RETURN 'OK';
END
$$;

-- The definer functions run as the migration role. Where it is a superuser or BYPASSRLS
-- (Supabase's postgres, the tests) RLS does not apply to it; for any other owner these give
-- it exactly what the functions need (profiles and auth_credentials are not FORCEd: their
-- owner is not subject to their policies).
CREATE POLICY email_verifications_owner ON email_verifications FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY invitations_owner ON invitations FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY memberships_owner_insert ON memberships FOR INSERT TO CURRENT_USER WITH CHECK (true);

REVOKE ALL ON FUNCTION app.profiles_guard_verification(), app.verify_email(bytea), app.current_email_verified(),
  app.member_candidate_by_email(text), app.accept_invitation(bytea), app.claim_invited_email(bytea, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.verify_email(bytea), app.current_email_verified(), app.member_candidate_by_email(text),
  app.accept_invitation(bytea), app.claim_invited_email(bytea, text) TO crm_app;

------------------------------------------------------------------------------
-- Supabase's Data API: nothing of this is reachable through it
------------------------------------------------------------------------------

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON email_verifications, invitations FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;

-- Who invited whom, revoked or resent what: audited like the roster (the hash never recorded).
SELECT app.audit_attach('invitations'::regclass, 'organization_id', 'id', '{token_hash}');
