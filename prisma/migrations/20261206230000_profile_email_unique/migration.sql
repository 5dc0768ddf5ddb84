-- One profile per email address, case-insensitively (issue 19). Two profiles with one address
-- (an embedded account, then a Supabase user who signed up with the same address) made
-- app.profile_id_by_email pick one of them: an ADMIN adding that address could add the wrong
-- person. A token for a new user whose email another profile has is now refused (409
-- EMAIL_TAKEN, src/profiles/profiles.repository.ts) instead of creating a second profile.
--
-- Profiles without an address (a token without an email claim: phone sign-in) are left out.
-- A database that already holds such a pair stops here, naming the query that lists them:
-- which of the two accounts is the person's is not for a migration to guess.

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM profiles WHERE email <> '' GROUP BY lower(email) HAVING count(*) > 1) THEN
    RAISE EXCEPTION 'Several profiles share an email address; keep one of each before migrating'
      USING HINT = 'SELECT lower(email), array_agg(id ORDER BY created_at) FROM profiles WHERE email <> '''' GROUP BY 1 HAVING count(*) > 1';
  END IF;
END
$$;

DROP INDEX profiles_email_idx;
CREATE UNIQUE INDEX profiles_email_key ON profiles (lower(email)) WHERE email <> '';
