-- Profile settings, avatars, organization logos and account deletion (issue 19, item 3).
--
--   * profiles gain phone, time_zone, locale (validated by the API: IANA zone, BCP 47 tag),
--     avatar_path (a storage key, never a URL: URLs are signed per read) and deleted_at.
--   * organizations gain logo_path, under the organization's own storage prefix.
--   * A deleted account keeps its profile row, anonymized ("Former member", a placeholder
--     address, no phone or avatar), so the records its person authored stay attributed. Every
--     user may read such a row (profiles_select_former): it names no one.
--   * app.close_account() deletes the signed-in user's account in one statement: it leaves every
--     organization (refused while the user is the last ADMIN of one with other members),
--     deletes the embedded credential and pending verification links, and anonymizes the profile.

------------------------------------------------------------------------------
-- profiles: settings, avatar, deletion
------------------------------------------------------------------------------

ALTER TABLE profiles
  ADD COLUMN phone       text CHECK (length(phone) <= 50),
  ADD COLUMN time_zone   text CHECK (length(time_zone) <= 64),
  ADD COLUMN locale      text CHECK (length(locale) <= 35),
  ADD COLUMN avatar_path text CHECK (length(avatar_path) <= 1024),
  ADD COLUMN deleted_at  timestamptz(3);

-- A former member's anonymized row is readable by anyone the records they authored are shown
-- to: include=createdBy and the timeline name them "Former member" instead of nobody.
CREATE POLICY profiles_select_former ON profiles FOR SELECT TO crm_app
  USING (deleted_at IS NOT NULL);

------------------------------------------------------------------------------
-- organizations: logo
------------------------------------------------------------------------------

ALTER TABLE organizations
  ADD COLUMN logo_path text CHECK (length(logo_path) <= 1024);

------------------------------------------------------------------------------
-- app.close_account(): DELETE /v1/me
------------------------------------------------------------------------------

-- Deletes the signed-in user's account. Status: 'OK' (with the avatar's storage key, for the
-- API to delete after commit), 'NOT_FOUND' (no such live profile), or 'LAST_ADMIN' with the
-- first organization where the user is the only ADMIN and other members remain (the members
-- module's rule: an organization keeps an ADMIN). An organization where the user is the only
-- member is left without members; its records stay. Leaving an organization does what removing
-- a member does (assignments released, their API keys revoked: the memberships triggers).
CREATE FUNCTION app.close_account()
  RETURNS TABLE (status text, organization_id uuid, avatar_path text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v_user   uuid := app.current_user_id();
  v_avatar text;
  v_org    uuid;
BEGIN
  IF v_user IS NULL THEN RETURN QUERY SELECT 'NOT_FOUND'::text, NULL::uuid, NULL::text; RETURN; END IF;
  SELECT p.avatar_path INTO v_avatar FROM public.profiles p
   WHERE p.id = v_user AND p.deleted_at IS NULL FOR UPDATE;
  IF NOT FOUND THEN RETURN QUERY SELECT 'NOT_FOUND'::text, NULL::uuid, NULL::text; RETURN; END IF;
  -- The ADMIN rows of the user's organizations, locked as MembersRepository.lockAdmins locks them,
  -- so a concurrent demotion cannot leave an organization without an ADMIN.
  PERFORM 1 FROM public.memberships m
   WHERE m.role = 'ADMIN'
     AND m.organization_id IN (SELECT u.organization_id FROM public.memberships u WHERE u.user_id = v_user)
   ORDER BY m.organization_id, m.user_id  -- one order for every locker: two deletions cannot deadlock
   FOR UPDATE;
  SELECT m.organization_id INTO v_org FROM public.memberships m
   WHERE m.user_id = v_user AND m.role = 'ADMIN'
     AND NOT EXISTS (SELECT 1 FROM public.memberships o
                      WHERE o.organization_id = m.organization_id AND o.user_id <> v_user AND o.role = 'ADMIN')
     AND EXISTS (SELECT 1 FROM public.memberships o
                  WHERE o.organization_id = m.organization_id AND o.user_id <> v_user)
   ORDER BY m.created_at
   LIMIT 1;
  IF v_org IS NOT NULL THEN RETURN QUERY SELECT 'LAST_ADMIN'::text, v_org, NULL::text; RETURN; END IF;

  DELETE FROM public.memberships m WHERE m.user_id = v_user;
  DELETE FROM public.auth_credentials c WHERE c.user_id = v_user;
  DELETE FROM public.email_verifications e WHERE e.user_id = v_user;
  -- The placeholder frees the address (profiles_email_key) for a new sign-up.
  UPDATE public.profiles p
     SET email = 'deleted+' || v_user::text || '@invalid', full_name = 'Former member', phone = NULL,
         time_zone = NULL, locale = NULL, avatar_path = NULL, deleted_at = now()
   WHERE p.id = v_user;
  RETURN QUERY SELECT 'OK'::text, NULL::uuid, v_avatar;
END
$$;

-- For an owner that is neither superuser nor BYPASSRLS (memberships is FORCEd); see the
-- invitations migration.
CREATE POLICY memberships_owner_select ON memberships FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY memberships_owner_delete ON memberships FOR DELETE TO CURRENT_USER USING (true);

REVOKE ALL ON FUNCTION app.close_account() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.close_account() TO crm_app;

------------------------------------------------------------------------------
-- Supabase's Data API: nothing of this is reachable through it
------------------------------------------------------------------------------

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON FUNCTION app.close_account() FROM %I', r);
    END IF;
  END LOOP;
END
$$;
