-- Sessions, refresh tokens and password recovery of the embedded auth (issue 19, item 2;
-- docs/auth.md).
--
--   * auth_sessions: one row per sign-in (signup, login, a reset's nothing: it signs out).
--     Its id is the `sid` claim of every access token issued for it; revoking the row stops
--     those access tokens (src/auth/session-status.ts) and its refresh tokens.
--   * refresh_tokens: the session's "family" of refresh tokens, hashed (SHA-256). Each is
--     exchanged once (app.rotate_refresh_token marks it used and adds its successor);
--     presenting a used one again revokes the whole session.
--   * password_resets: emailed reset links, hashed, one hour, used once through
--     app.reset_password.
-- Users read and write only their own rows; the steps taken before anyone is known (a
-- refresh, a reset) go through the definer functions below, as app.credential_for_login and
-- app.verify_email do.

------------------------------------------------------------------------------
-- auth_sessions
------------------------------------------------------------------------------

CREATE TABLE auth_sessions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  -- The last refresh: how recently the session was in use.
  refreshed_at   timestamptz(3),
  revoked_at     timestamptz(3),
  revoked_reason text CHECK (revoked_reason IN ('LOGOUT', 'LOGOUT_ALL', 'REFRESH_TOKEN_REUSED', 'PASSWORD_RESET',
                                                'PASSWORD_CHANGED', 'ACCOUNT_DELETED')),
  CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id);

ALTER TABLE auth_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_sessions FORCE ROW LEVEL SECURITY;
-- A user starts, reads and revokes their own sessions (login, logout, logout-all, password change).
CREATE POLICY auth_sessions_own ON auth_sessions FOR ALL TO crm_app
  USING (user_id = (SELECT app.current_user_id()))
  WITH CHECK (user_id = (SELECT app.current_user_id()));
GRANT SELECT, INSERT ON auth_sessions TO crm_app;
GRANT UPDATE (revoked_at, revoked_reason) ON auth_sessions TO crm_app;

------------------------------------------------------------------------------
-- refresh_tokens
------------------------------------------------------------------------------

CREATE TABLE refresh_tokens (
  -- SHA-256 of the token: the token itself is only ever in the client's hands.
  token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
  session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  expires_at timestamptz(3) NOT NULL,
  -- Exchanged for its successor: presenting it again is a reuse.
  used_at    timestamptz(3),
  revoked_at timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
-- A sign-in writes its first token; logout revokes the user's own. Exchanging one goes
-- through app.rotate_refresh_token (the client holding it is not signed in).
CREATE POLICY refresh_tokens_own ON refresh_tokens FOR ALL TO crm_app
  USING (user_id = (SELECT app.current_user_id()))
  WITH CHECK (user_id = (SELECT app.current_user_id()));
GRANT SELECT, INSERT ON refresh_tokens TO crm_app;
GRANT UPDATE (revoked_at) ON refresh_tokens TO crm_app;

------------------------------------------------------------------------------
-- password_resets
------------------------------------------------------------------------------

CREATE TABLE password_resets (
  token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
  user_id    uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  -- The address the link went to: a link for an address the account no longer has proves nothing.
  email      text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
  expires_at timestamptz(3) NOT NULL,
  used_at    timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
-- POST /v1/auth/recover writes the link as the account it found (and drops that account's
-- older unused links); using it goes through app.reset_password.
CREATE POLICY password_resets_own ON password_resets FOR ALL TO crm_app
  USING (user_id = (SELECT app.current_user_id()))
  WITH CHECK (user_id = (SELECT app.current_user_id()));
GRANT SELECT, INSERT, DELETE ON password_resets TO crm_app;

------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------

-- Exchanges a refresh token for p_new_hash (expiring at p_expires_at), in one locked step:
-- two concurrent exchanges of one token serialize on its row, and the second finds it used.
-- Status: 'OK', 'NOT_FOUND', 'REVOKED' (its session was signed out), 'REUSED' (it was
-- exchanged before: the session and every token of it are revoked now), 'EXPIRED'.
-- Returns only the status, the user and the session.
CREATE FUNCTION app.rotate_refresh_token(p_hash bytea, p_new_hash bytea, p_expires_at timestamptz)
  RETURNS TABLE (status text, user_id uuid, session_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v public.refresh_tokens;
  v_revoked timestamptz;
BEGIN
  SELECT * INTO v FROM public.refresh_tokens t WHERE t.token_hash = p_hash FOR UPDATE;
  IF NOT FOUND THEN RETURN QUERY SELECT 'NOT_FOUND'::text, NULL::uuid, NULL::uuid; RETURN; END IF;
  SELECT s.revoked_at INTO v_revoked FROM public.auth_sessions s WHERE s.id = v.session_id FOR UPDATE;
  IF v_revoked IS NOT NULL OR v.revoked_at IS NOT NULL THEN
    RETURN QUERY SELECT 'REVOKED'::text, v.user_id, v.session_id; RETURN;
  END IF;
  IF v.used_at IS NOT NULL THEN
    UPDATE public.auth_sessions s SET revoked_at = now(), revoked_reason = 'REFRESH_TOKEN_REUSED'
     WHERE s.id = v.session_id;
    UPDATE public.refresh_tokens t SET revoked_at = now() WHERE t.session_id = v.session_id AND t.revoked_at IS NULL;
    RETURN QUERY SELECT 'REUSED'::text, v.user_id, v.session_id; RETURN;
  END IF;
  IF v.expires_at <= now() THEN RETURN QUERY SELECT 'EXPIRED'::text, v.user_id, v.session_id; RETURN; END IF;
  UPDATE public.refresh_tokens t SET used_at = now() WHERE t.token_hash = p_hash;
  INSERT INTO public.refresh_tokens (token_hash, session_id, user_id, expires_at)
    VALUES (p_new_hash, v.session_id, v.user_id, p_expires_at);
  UPDATE public.auth_sessions s SET refreshed_at = now() WHERE s.id = v.session_id;
  RETURN QUERY SELECT 'OK'::text, v.user_id, v.session_id;
END
$$;

-- Uses a password reset link: sets the password (p_password_hash, hashed by the API), marks
-- the address verified (the link went to it), uses every open link of the account and
-- revokes all its sessions. Status: 'OK', 'NOT_FOUND' (no such link, or the account's
-- address changed since), 'USED', 'EXPIRED'. Returns only the status and the user.
CREATE FUNCTION app.reset_password(p_hash bytea, p_password_hash text)
  RETURNS TABLE (status text, user_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE v public.password_resets;
BEGIN
  SELECT * INTO v FROM public.password_resets r WHERE r.token_hash = p_hash FOR UPDATE;
  IF NOT FOUND THEN RETURN QUERY SELECT 'NOT_FOUND'::text, NULL::uuid; RETURN; END IF;
  IF v.used_at IS NOT NULL THEN RETURN QUERY SELECT 'USED'::text, NULL::uuid; RETURN; END IF;
  IF v.expires_at <= now() THEN RETURN QUERY SELECT 'EXPIRED'::text, NULL::uuid; RETURN; END IF;
  UPDATE public.auth_credentials c SET password_hash = p_password_hash WHERE c.user_id = v.user_id AND c.email = v.email;
  IF NOT FOUND THEN RETURN QUERY SELECT 'NOT_FOUND'::text, NULL::uuid; RETURN; END IF;
  UPDATE public.password_resets r SET used_at = now() WHERE r.user_id = v.user_id AND r.used_at IS NULL;
  UPDATE public.profiles p SET email_verified_at = coalesce(p.email_verified_at, now())
   WHERE p.id = v.user_id AND lower(p.email) = v.email;
  UPDATE public.auth_sessions s SET revoked_at = now(), revoked_reason = 'PASSWORD_RESET'
   WHERE s.user_id = v.user_id AND s.revoked_at IS NULL;
  UPDATE public.refresh_tokens t SET revoked_at = now() WHERE t.user_id = v.user_id AND t.revoked_at IS NULL;
  RETURN QUERY SELECT 'OK'::text, v.user_id;
END
$$;

-- Housekeeping (daily, src/auth/sessions.housekeeping.ts): deletes what can no longer matter,
-- p_limit rows of each kind at most per round. A spent refresh token is kept 7 days to detect
-- its reuse (after that, presenting it is refused as unknown, without revoking its session);
-- an expired one cannot be exchanged; a session is deleted 7 days after it was revoked or its
-- last refresh token expired (its access tokens, 15 minutes, are long dead: a missing session
-- counts as revoked); a reset link a day after it expired.
CREATE FUNCTION app.purge_auth_sessions(p_limit integer DEFAULT 10000) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE n bigint; total bigint := 0;
BEGIN
  -- System work only (the job runner's unit of work: no user, no organization).
  IF NOT (app.current_user_id() IS NULL AND app.current_org_id() IS NULL) THEN
    RAISE EXCEPTION 'purge_auth_sessions is for the job runner';
  END IF;
  DELETE FROM public.auth_sessions
   WHERE id IN (
     SELECT s.id FROM public.auth_sessions s
      WHERE s.revoked_at < now() - interval '7 days'
         OR (s.created_at < now() - interval '7 days'
             AND NOT EXISTS (SELECT 1 FROM public.refresh_tokens t
                              WHERE t.session_id = s.id AND t.expires_at > now() - interval '7 days'))
      LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT; total := total + n;
  DELETE FROM public.refresh_tokens
   WHERE token_hash IN (
     SELECT t.token_hash FROM public.refresh_tokens t
      WHERE t.expires_at < now() OR t.used_at < now() - interval '7 days' OR t.revoked_at < now() - interval '7 days'
      LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT; total := total + n;
  DELETE FROM public.password_resets
   WHERE token_hash IN (
     SELECT r.token_hash FROM public.password_resets r WHERE r.expires_at < now() - interval '1 day' LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT; total := total + n;
  RETURN total;
END
$$;
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);

-- The definer functions run as the migration role; where it is neither superuser nor
-- BYPASSRLS these give it what they need (as in 20261206240000_invitations).
CREATE POLICY auth_sessions_owner ON auth_sessions FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY refresh_tokens_owner ON refresh_tokens FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY password_resets_owner ON password_resets FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

REVOKE ALL ON FUNCTION app.rotate_refresh_token(bytea, bytea, timestamptz), app.reset_password(bytea, text),
  app.purge_auth_sessions(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.rotate_refresh_token(bytea, bytea, timestamptz), app.reset_password(bytea, text),
  app.purge_auth_sessions(integer) TO crm_app;

------------------------------------------------------------------------------
-- Supabase's Data API: nothing of this is reachable through it
------------------------------------------------------------------------------

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON auth_sessions, refresh_tokens, password_resets FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
