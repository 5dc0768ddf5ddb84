-- Email and reminders (issue 16, parts 5 and 6): an email outbox written in the unit of
-- work that asks for a message and delivered by the job runner; each user's notification
-- preferences; the organization's time zone (the morning digest, later analytics); and one
-- row per reminder sent, so a reminder goes out once however many processes run the
-- schedule.
--
-- Who does what:
--   * crm_app (the API, and every job's tenant work) only INSERTs email_outbox rows, under
--     the organization policy. It never reads them back: a message may hold a secret link
--     (a ticket share link, later invitations and password resets).
--   * Sending reads and updates email_outbox through the SECURITY DEFINER functions below,
--     which answer only in a *system* unit of work — no user set (every API request has
--     one) — so neither a request nor a bug in one can read another organization's mail.
--   * The schedules' cross-organization scans are SECURITY DEFINER functions returning work
--     items only (ids, a time zone, the recipient's role); the work itself then runs under
--     the tenant path (TenantDb.runTrusted) with RLS like any request.
--
-- None of the new tables is audited (app.audit_attach): the job runner writes them, and they
-- record deliveries, not edits of CRM data. organizations.time_zone is, as every column of
-- organizations.
--
-- The definer functions run as the migration role. Where it is a superuser or BYPASSRLS
-- (Supabase's postgres, the tests) RLS does not apply to it; for any other owner the
-- read/update policies TO CURRENT_USER below give it exactly what the functions need.

------------------------------------------------------------------------------
-- organizations: the time zone the organization lives in
------------------------------------------------------------------------------

-- An IANA name ('Europe/Madrid'), checked by the API (Intl) when set: the database keeps
-- only a sane length, since its own zone list differs between servers and PGlite.
ALTER TABLE organizations
  ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64);

------------------------------------------------------------------------------
-- email_outbox: one row per message, sent after the transaction that wrote it commits
------------------------------------------------------------------------------

CREATE TYPE "EmailStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

CREATE TABLE email_outbox (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  -- Chosen by the API, so it can name the row to the job without reading it back.
  id              uuid NOT NULL,
  -- The template (LEAD_ASSIGNED, APPOINTMENT_REMINDER, TICKET_REPLY…): what the log names.
  kind            text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
  -- "to" is a reserved word in SQL.
  to_address      text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 320),
  subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 998),
  text            text NOT NULL CHECK (length(text) <= 100000),
  html            text NOT NULL CHECK (length(html) <= 200000),
  -- [{filename, contentType, content (base64)}]: small files such as an .ics.
  attachments     jsonb NOT NULL DEFAULT '[]'::jsonb
                  CHECK (jsonb_typeof(attachments) = 'array' AND octet_length(attachments::text) <= 262144),
  status          "EmailStatus" NOT NULL DEFAULT 'PENDING',
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text CHECK (length(last_error) <= 1000),
  -- A sender's lease: the sweep and a retry never send a message another sender holds.
  locked_until    timestamptz(3),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  sent_at         timestamptz(3),
  PRIMARY KEY (organization_id, id),
  UNIQUE (id)
);
-- The sweep's scan: only the (few) rows still waiting.
CREATE INDEX email_outbox_pending_idx ON email_outbox (created_at) WHERE status = 'PENDING';

ALTER TABLE email_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY email_outbox_insert ON email_outbox FOR INSERT TO crm_app
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND status = 'PENDING' AND attempts = 0);
CREATE POLICY email_outbox_owner_read ON email_outbox FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY email_outbox_owner_update ON email_outbox FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true);
-- Insert only: no SELECT (bodies hold links with secrets), no UPDATE (the sender's definer functions do it).
GRANT INSERT ON email_outbox TO crm_app;

------------------------------------------------------------------------------
-- notification_preferences: per user, across their organizations
------------------------------------------------------------------------------

-- Per user, not per user and organization: the address and the lead time of a reminder are
-- the person's, and someone in two brokerages sets them once. No row: the defaults.
CREATE TABLE notification_preferences (
  user_id                      uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
  -- Notification types NOT also sent by email (opt-out, so a type added later is on by default).
  email_muted                  text[] NOT NULL DEFAULT '{}' CHECK (cardinality(email_muted) <= 50),
  appointment_reminder_minutes integer NOT NULL DEFAULT 60 CHECK (appointment_reminder_minutes BETWEEN 5 AND 10080),
  created_at                   timestamptz(3) NOT NULL DEFAULT now(),
  updated_at                   timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TRIGGER notification_preferences_touch BEFORE UPDATE ON notification_preferences
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_preferences FORCE ROW LEVEL SECURITY;
-- A user reads and changes only their own; what others' preferences say reaches the API only
-- through app.notification_recipients(), for members of the current organization.
CREATE POLICY notification_preferences_own ON notification_preferences FOR ALL TO crm_app
  USING (user_id = (SELECT app.current_user_id()))
  WITH CHECK (user_id = (SELECT app.current_user_id()));
CREATE POLICY notification_preferences_owner_read ON notification_preferences FOR SELECT TO CURRENT_USER USING (true);
GRANT SELECT, INSERT, UPDATE (email_muted, appointment_reminder_minutes) ON notification_preferences TO crm_app;

------------------------------------------------------------------------------
-- Reminders sent: the unique rows that make each reminder go out once
------------------------------------------------------------------------------

-- One per appointment, recipient and start time: a rescheduled appointment is reminded again.
CREATE TABLE appointment_reminders (
  organization_id uuid NOT NULL,
  appointment_id  uuid NOT NULL,
  user_id         uuid NOT NULL,
  starts_at       timestamptz(3) NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, appointment_id, user_id, starts_at),
  FOREIGN KEY (organization_id, appointment_id) REFERENCES appointments (organization_id, id) ON DELETE CASCADE
);

-- One per listing and expiration date: a new date is alerted again.
CREATE TABLE listing_expiration_alerts (
  organization_id uuid NOT NULL,
  listing_id      uuid NOT NULL,
  expiration_date date NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, listing_id, expiration_date),
  FOREIGN KEY (organization_id, listing_id) REFERENCES listings (organization_id, id) ON DELETE CASCADE
);

-- One per member and day in the organization's time zone.
CREATE TABLE activity_digests (
  organization_id uuid NOT NULL,
  user_id         uuid NOT NULL,
  local_date      date NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id, local_date),
  FOREIGN KEY (organization_id, user_id) REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['appointment_reminders', 'listing_expiration_alerts', 'activity_digests'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO crm_app
                      USING (organization_id = (SELECT app.current_org_id()))
                      WITH CHECK (organization_id = (SELECT app.current_org_id()))', t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO CURRENT_USER USING (true)', t || '_owner_read', t);
    -- Written once by the reminder jobs (INSERT … ON CONFLICT DO NOTHING RETURNING), never changed.
    EXECUTE format('GRANT SELECT, INSERT ON %I TO crm_app', t);
  END LOOP;
END
$$;

-- For the definer scans below when their owner is subject to RLS: reads across organizations.
CREATE POLICY appointments_owner_read ON appointments FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY activities_owner_read ON activities FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY listings_owner_read ON listings FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY memberships_owner_read ON memberships FOR SELECT TO CURRENT_USER USING (true);

------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------

-- A unit of work of the job runner: no user. Every API request has one (a member, an API
-- key's creator), so these functions answer nothing to a request.
CREATE FUNCTION app.is_system_work() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT app.current_user_id() IS NULL $$;

-- The recipients of a notification in the current organization: their address, name and
-- preferences (defaults when they set none). Members of the current organization only.
CREATE FUNCTION app.notification_recipients(p_users uuid[])
  RETURNS TABLE (user_id uuid, email text, full_name text, email_muted text[], appointment_reminder_minutes integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT p.id, p.email, p.full_name, coalesce(np.email_muted, '{}'), coalesce(np.appointment_reminder_minutes, 60)
      FROM public.memberships m
      JOIN public.profiles p ON p.id = m.user_id
      LEFT JOIN public.notification_preferences np ON np.user_id = m.user_id
     WHERE m.organization_id = app.current_org_id() AND m.user_id = ANY (p_users)
  $$;

-- The sender takes one PENDING message of the current organization: it counts the attempt
-- and leases the row for five minutes (a sweep or a second worker leaves it alone). Nothing
-- when it is sent, failed, leased, of another organization, or asked outside a system unit of work.
CREATE FUNCTION app.claim_email(p_id uuid)
  RETURNS TABLE (id uuid, kind text, to_address text, subject text, text text, html text, attachments jsonb,
                 attempts integer)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    UPDATE public.email_outbox e
       SET attempts = e.attempts + 1, locked_until = now() + interval '5 minutes'
     WHERE e.organization_id = app.current_org_id() AND e.id = p_id AND app.is_system_work()
       AND e.status = 'PENDING' AND (e.locked_until IS NULL OR e.locked_until < now())
    RETURNING e.id, e.kind, e.to_address, e.subject, e.text, e.html, e.attachments, e.attempts
  $$;

-- The sender's verdict: sent (p_error null), failed for now (leased no more, retried), or
-- failed for good (p_final).
CREATE FUNCTION app.finish_email(p_id uuid, p_error text, p_final boolean)
  RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    UPDATE public.email_outbox e
       SET status = CASE WHEN p_error IS NULL THEN 'SENT' WHEN p_final THEN 'FAILED' ELSE 'PENDING' END::"EmailStatus",
           sent_at = CASE WHEN p_error IS NULL THEN now() END,
           last_error = left(p_error, 1000),
           locked_until = NULL
     WHERE e.organization_id = app.current_org_id() AND e.id = p_id AND app.is_system_work()
  $$;

-- Messages still PENDING a while after they were written (the process died between the
-- commit and the job, or the job gave up early), not leased: the sweep's work items.
CREATE FUNCTION app.pending_emails(p_older_than interval, p_limit integer)
  RETURNS TABLE (organization_id uuid, id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT e.organization_id, e.id FROM public.email_outbox e
     WHERE e.status = 'PENDING' AND e.created_at < now() - p_older_than
       AND (e.locked_until IS NULL OR e.locked_until < now())
       AND app.is_system_work() AND app.current_org_id() IS NULL
     ORDER BY e.created_at
     LIMIT p_limit
  $$;

-- Appointments that start within their agent's reminder minutes and were not reminded at
-- that start time: organization, appointment, agent, the agent's role, the start.
CREATE FUNCTION app.due_appointment_reminders(p_limit integer)
  RETURNS TABLE (organization_id uuid, appointment_id uuid, user_id uuid, member_role text, starts_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT a.organization_id, a.id, a.agent_id, m.role::text, a.starts_at
      FROM public.appointments a
      -- A VIEWER cannot write a notification (app.can_write); an agent is never one in practice.
      JOIN public.memberships m ON m.organization_id = a.organization_id AND m.user_id = a.agent_id
                               AND m.role <> 'VIEWER'
      LEFT JOIN public.notification_preferences np ON np.user_id = a.agent_id
     WHERE a.status IN ('SCHEDULED', 'CONFIRMED')
       -- 10080 minutes is the largest reminder: the index on starts_at bounds the scan.
       AND a.starts_at > now() AND a.starts_at <= now() + interval '10080 minutes'
       AND a.starts_at <= now() + make_interval(mins => coalesce(np.appointment_reminder_minutes, 60))
       AND NOT EXISTS (SELECT 1 FROM public.appointment_reminders r
                        WHERE r.organization_id = a.organization_id AND r.appointment_id = a.id
                          AND r.user_id = a.agent_id AND r.starts_at = a.starts_at)
       AND app.is_system_work() AND app.current_org_id() IS NULL
     ORDER BY a.starts_at
     LIMIT p_limit
  $$;
CREATE INDEX appointments_reminder_idx ON appointments (starts_at) WHERE status IN ('SCHEDULED', 'CONFIRMED');

-- Members with overdue open activities assigned to them, with their organization's time
-- zone (the job decides whose morning it is: time zone rules live in Intl, which the API
-- validated the name with, not in the server's or PGlite's own zone list) and role.
CREATE FUNCTION app.due_activity_digests(p_limit integer)
  RETURNS TABLE (organization_id uuid, time_zone text, user_id uuid, member_role text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT DISTINCT a.organization_id, o.time_zone, a.assigned_to_id, m.role::text
      FROM public.activities a
      JOIN public.organizations o ON o.id = a.organization_id
      JOIN public.memberships m ON m.organization_id = a.organization_id AND m.user_id = a.assigned_to_id
                               AND m.role <> 'VIEWER'
     WHERE a.completed_at IS NULL AND a.due_date < now() AND a.assigned_to_id IS NOT NULL
       AND app.is_system_work() AND app.current_org_id() IS NULL
     LIMIT p_limit
  $$;
CREATE INDEX activities_overdue_idx ON activities (due_date) WHERE completed_at IS NULL AND assigned_to_id IS NOT NULL;

-- Live, still-marketed listings expiring within p_days (UTC today included) and not alerted
-- for that date: organization, listing, who is told (assignee, else creator) and their role.
CREATE FUNCTION app.due_listing_alerts(p_days integer, p_limit integer)
  RETURNS TABLE (organization_id uuid, listing_id uuid, user_id uuid, member_role text, expiration_date date)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT l.organization_id, l.id, m.user_id, m.role::text, l.expiration_date
      FROM public.listings l
      JOIN public.memberships m ON m.organization_id = l.organization_id
                               AND m.user_id = coalesce(l.assigned_to_id, l.created_by_id)
                               AND m.role <> 'VIEWER'
     WHERE l.deleted_at IS NULL AND l.status IN ('ACTIVE', 'PENDING', 'CONTINGENT')
       AND l.expiration_date BETWEEN current_date AND current_date + p_days
       AND NOT EXISTS (SELECT 1 FROM public.listing_expiration_alerts x
                        WHERE x.organization_id = l.organization_id AND x.listing_id = l.id
                          AND x.expiration_date = l.expiration_date)
       AND app.is_system_work() AND app.current_org_id() IS NULL
     ORDER BY l.expiration_date
     LIMIT p_limit
  $$;
CREATE INDEX listings_expiration_idx ON listings (expiration_date) WHERE deleted_at IS NULL;

------------------------------------------------------------------------------
-- Grants, and Supabase's Data API
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION app.is_system_work(), app.notification_recipients(uuid[]), app.claim_email(uuid),
  app.finish_email(uuid, text, boolean), app.pending_emails(interval, integer), app.due_appointment_reminders(integer),
  app.due_activity_digests(integer), app.due_listing_alerts(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.is_system_work(), app.notification_recipients(uuid[]), app.claim_email(uuid),
  app.finish_email(uuid, text, boolean), app.pending_emails(interval, integer), app.due_appointment_reminders(integer),
  app.due_activity_digests(integer), app.due_listing_alerts(integer, integer) TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON email_outbox, notification_preferences, appointment_reminders,
                      listing_expiration_alerts, activity_digests FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
