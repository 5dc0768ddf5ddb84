-- The contract SPA clients expect (issue 12): a version per record for ETag / If-Match,
-- calendar dates as `date`, and the store of idempotency keys.

------------------------------------------------------------------------------
-- Row versions: every UPDATE of a record bumps its version, whatever wrote it
------------------------------------------------------------------------------

-- Replaces app.touch_updated_at() on the tables below: the same timestamp, plus the
-- version the API sends as the record's ETag ("<version>") and checks If-Match against.
CREATE FUNCTION app.touch_row() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN NEW.updated_at := now(); NEW.version := OLD.version + 1; RETURN NEW; END $$;
GRANT EXECUTE ON FUNCTION app.touch_row() TO crm_app;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organizations', 'memberships', 'leads', 'contacts', 'listings', 'deals',
                           'activities', 'appointments', 'tickets'] LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0)', t);
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_touch', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION app.touch_row()',
                   t || '_touch', t);
  END LOOP;
END
$$;

-- A ticket's representation lists its assignees, and an appointment's its attendees:
-- changing them is a new version of the parent.
CREATE FUNCTION app.touch_ticket_of_assignee() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE r record;
BEGIN
  r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  UPDATE tickets SET updated_at = now() WHERE organization_id = r.organization_id AND id = r.ticket_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER ticket_assignees_touch_ticket AFTER INSERT OR DELETE ON ticket_assignees
  FOR EACH ROW EXECUTE FUNCTION app.touch_ticket_of_assignee();

CREATE FUNCTION app.touch_appointment_of_attendee() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE r record;
BEGIN
  r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  UPDATE appointments SET updated_at = now() WHERE organization_id = r.organization_id AND id = r.appointment_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER appointment_attendees_touch_appointment AFTER INSERT OR DELETE ON appointment_attendees
  FOR EACH ROW EXECUTE FUNCTION app.touch_appointment_of_attendee();
GRANT EXECUTE ON FUNCTION app.touch_ticket_of_assignee(), app.touch_appointment_of_attendee() TO crm_app;

------------------------------------------------------------------------------
-- Calendar dates: a day, not midnight UTC of it
------------------------------------------------------------------------------

ALTER TABLE listings
  ALTER COLUMN listing_date TYPE date USING (listing_date AT TIME ZONE 'UTC')::date,
  ALTER COLUMN expiration_date TYPE date USING (expiration_date AT TIME ZONE 'UTC')::date;
ALTER TABLE deals
  ALTER COLUMN expected_close_date TYPE date USING (expected_close_date AT TIME ZONE 'UTC')::date,
  ALTER COLUMN actual_close_date TYPE date USING (actual_close_date AT TIME ZONE 'UTC')::date;

------------------------------------------------------------------------------
-- idempotency_keys: the first response to a POST, replayed for the same key
------------------------------------------------------------------------------

-- One row per (user, organization asked for, key). A request claims its key in a short
-- transaction of its own (IN_PROGRESS, so a concurrent twin gets 409); the response is
-- stored in the request's own transaction when it has one, so the change and the record
-- of it commit together. Rows expire after 24 hours (app.purge_idempotency_keys).
CREATE TABLE idempotency_keys (
  user_id         uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  -- The X-Organization-Id the request named, '' when it named none.
  scope           text NOT NULL CHECK (scope = '' OR scope ~ '^[0-9a-f-]{36}$'),
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  -- sha256 of method, path, query and body: the same key with another request is refused.
  request_hash    text NOT NULL CHECK (length(request_hash) = 64),
  status          text NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
  response_status integer CHECK (response_status BETWEEN 100 AND 599),
  response_body   text,
  -- An IN_PROGRESS claim older than this was abandoned (its process died): it may be taken over.
  locked_until    timestamptz(3) NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  expires_at      timestamptz(3) NOT NULL DEFAULT now() + interval '24 hours',
  CHECK ((status = 'COMPLETED') = (response_status IS NOT NULL)),
  PRIMARY KEY (user_id, scope, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
-- A user's keys are theirs alone, whatever organization they are working in.
CREATE POLICY idempotency_keys_own ON idempotency_keys FOR ALL TO crm_app
  USING (user_id = (SELECT app.current_user_id()))
  WITH CHECK (user_id = (SELECT app.current_user_id()));
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO crm_app;

-- Housekeeping for every user at once: deletes expired keys only, in bounded batches.
CREATE FUNCTION app.purge_idempotency_keys(p_limit integer DEFAULT 10000) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE n integer;
BEGIN
  DELETE FROM public.idempotency_keys
   WHERE ctid IN (SELECT ctid FROM public.idempotency_keys WHERE expires_at < now() LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
-- Under FORCEd RLS the definer needs a policy of its own: expired rows only.
CREATE POLICY idempotency_keys_purge ON idempotency_keys FOR ALL TO CURRENT_USER
  USING (expires_at < now());
REVOKE ALL ON FUNCTION app.purge_idempotency_keys(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.purge_idempotency_keys(integer) TO crm_app;
