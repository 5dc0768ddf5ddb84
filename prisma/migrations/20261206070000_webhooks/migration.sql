-- Webhooks (issue 16, part 4): an organization's endpoints, the deliveries the outbox makes
-- for them, and each attempt to send one. See docs/webhooks.md.
--
-- How an event becomes a request: the dispatcher (src/webhooks/webhook-dispatcher.ts) reads
-- an organization's events after its cursor (webhook_cursors), writes one delivery per
-- matching enabled webhook and moves the cursor, in one transaction; a job then POSTs each
-- delivery. The outbox's seq is gapless and in commit order per organization, so a cursor
-- on it neither misses nor repeats an event, and UNIQUE (webhook, event) makes a dispatch
-- that runs twice harmless.
--
-- The signing secret must be stored (an HMAC is computed with it, so a hash cannot do).
-- It is protected by:
--   * column privileges: crm_app may write `secret` and `previous_secret` but never read
--     them; two SECURITY DEFINER functions are the only readers (signing, rotation), and both
--     check the organization and the ADMIN role of the unit of work;
--   * row-level security: the organization's ADMINs only;
--   * never recorded: excluded from the audit trigger, no events trigger on this table, never
--     logged or returned after the one time it is shown.
-- At rest it is as safe as the database's storage (Supabase encrypts disks); see
-- docs/webhooks.md for what an application-level key would add.

------------------------------------------------------------------------------
-- webhooks
------------------------------------------------------------------------------

CREATE TABLE webhooks (
  id                   uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  url                  text NOT NULL CHECK (length(url) BETWEEN 10 AND 2048),
  -- Exact event types or patterns (lead.*, *), checked by the API against the known types.
  events               text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 100),
  description          text CHECK (length(description) <= 500),
  enabled              boolean NOT NULL DEFAULT true,
  -- Events created before this instant are not delivered: set at creation and whenever the
  -- webhook is enabled again, so a re-enabled endpoint does not receive its downtime's backlog.
  active_since         timestamptz(3) NOT NULL DEFAULT now(),
  -- Standard Webhooks secret, `whsec_` + base64; see the top of this file.
  secret               text NOT NULL CHECK (secret ~ '^whsec_[A-Za-z0-9+/]{40,88}={0,2}$'),
  -- After a rotation, the previous secret also signs until previous_expires_at.
  previous_secret      text CHECK (previous_secret ~ '^whsec_[A-Za-z0-9+/]{40,88}={0,2}$'),
  previous_expires_at  timestamptz(3),
  -- Deliveries given up on in a row (every retry failed); any delivered one resets it.
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  -- Why the system disabled it (GONE: the endpoint answered 410; FAILURES: too many
  -- consecutive failures); null when enabled or disabled by an ADMIN.
  disabled_reason      text CHECK (disabled_reason IN ('GONE', 'FAILURES')),
  disabled_at          timestamptz(3),
  created_by_id        uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at           timestamptz(3) NOT NULL DEFAULT now(),
  updated_at           timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  CONSTRAINT webhooks_previous_pair CHECK ((previous_secret IS NULL) = (previous_expires_at IS NULL))
);
CREATE INDEX webhooks_org_created_idx ON webhooks (organization_id, created_at DESC, id DESC);
-- The dispatcher's question: which organizations have an enabled webhook.
CREATE INDEX webhooks_enabled_idx ON webhooks (organization_id) WHERE enabled;

ALTER TABLE webhooks ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhooks FORCE ROW LEVEL SECURITY;
-- The organization's ADMINs: members, or an API key acting as ADMIN with a webhooks scope
-- (a Zapier-style integration subscribing itself); the scope is checked by the API.
CREATE POLICY webhooks_admin ON webhooks FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN')
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN');
-- Every column but the secrets is readable; the secrets are written, never read back.
GRANT SELECT (id, organization_id, url, events, description, enabled, active_since, previous_expires_at,
              consecutive_failures, disabled_reason, disabled_at, created_by_id, created_at, updated_at)
  ON webhooks TO crm_app;
GRANT INSERT ON webhooks TO crm_app;
GRANT UPDATE (url, events, description, enabled, active_since, consecutive_failures, disabled_reason, disabled_at,
              updated_at)
  ON webhooks TO crm_app;
GRANT DELETE ON webhooks TO crm_app;
-- For the definer functions below when their owner is subject to RLS (not a superuser).
CREATE POLICY webhooks_owner_all ON webhooks FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

------------------------------------------------------------------------------
-- webhook_deliveries: one event (or test ping) for one webhook
------------------------------------------------------------------------------

CREATE TABLE webhook_deliveries (
  -- Sent as `webhook-id`: the same on every attempt, so a receiver can drop duplicates.
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL,
  webhook_id      uuid NOT NULL,
  -- The outbox event (events.seq); null for a test ping.
  event_seq       bigint,
  event_type      text NOT NULL CHECK (length(event_type) BETWEEN 1 AND 100),
  -- The exact JSON body, fixed at dispatch: every attempt sends (and signs) the same bytes.
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  -- Attempts made (the log's length); retry_step: attempts since dispatch or the last manual redelivery.
  attempts        integer NOT NULL DEFAULT 0,
  retry_step      integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz(3),
  -- An attempt in flight holds the delivery until then; past it, another worker may retry.
  leased_until    timestamptz(3),
  delivered_at    timestamptz(3),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, webhook_id) REFERENCES webhooks (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_next CHECK ((status = 'PENDING') = (next_attempt_at IS NOT NULL))
);
-- A dispatch that runs twice writes each (webhook, event) once.
CREATE UNIQUE INDEX webhook_deliveries_event_idx ON webhook_deliveries (organization_id, webhook_id, event_seq)
  WHERE event_seq IS NOT NULL;
-- The delivery log, newest first.
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (organization_id, webhook_id, created_at DESC, id DESC);
-- The backstop sweep: pending deliveries whose job was lost.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';

ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_deliveries_admin ON webhook_deliveries FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN')
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN');
GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO crm_app;
CREATE POLICY webhook_deliveries_owner_all ON webhook_deliveries FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

------------------------------------------------------------------------------
-- webhook_attempts: the delivery log
------------------------------------------------------------------------------

CREATE TABLE webhook_attempts (
  organization_id  uuid NOT NULL,
  delivery_id      uuid NOT NULL,
  attempt          integer NOT NULL CHECK (attempt >= 1),
  started_at       timestamptz(3) NOT NULL,
  duration_ms      integer NOT NULL CHECK (duration_ms >= 0),
  -- The HTTP status, or null when there was no response (refused target, timeout, network error).
  status_code      integer CHECK (status_code BETWEEN 100 AND 599),
  -- Why it failed without a response; never the request's headers or secret.
  error            text CHECK (length(error) <= 500),
  -- The first KiB of the response body, as text.
  response_body    text CHECK (length(response_body) <= 1024),
  PRIMARY KEY (organization_id, delivery_id, attempt),
  FOREIGN KEY (organization_id, delivery_id) REFERENCES webhook_deliveries (organization_id, id) ON DELETE CASCADE
);

ALTER TABLE webhook_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_attempts_admin ON webhook_attempts FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN')
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN');
-- The log is appended to, never rewritten.
GRANT SELECT, INSERT ON webhook_attempts TO crm_app;

------------------------------------------------------------------------------
-- webhook_cursors: how far the dispatcher has read each organization's outbox
------------------------------------------------------------------------------

CREATE TABLE webhook_cursors (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  -- Every event with seq <= last_seq has been dispatched (or was not for webhooks).
  last_seq        bigint NOT NULL CHECK (last_seq >= 0),
  PRIMARY KEY (organization_id)
);

ALTER TABLE webhook_cursors ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_cursors FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_cursors_admin ON webhook_cursors FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN')
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN');
GRANT SELECT, INSERT, UPDATE ON webhook_cursors TO crm_app;
CREATE POLICY webhook_cursors_owner_all ON webhook_cursors FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

------------------------------------------------------------------------------
-- Audit: an endpoint's changes are history; its secrets and failure counter are not
------------------------------------------------------------------------------

-- A webhook's history is for ADMINs, as an API key's is: its URL may carry the receiver's
-- own token (a catch-hook path), which a MANAGER reading /v1/audit must not learn.
DROP POLICY audit_log_api_keys_for_admins ON audit_log;
CREATE POLICY audit_log_admin_tables ON audit_log AS RESTRICTIVE FOR SELECT TO crm_app
  USING ((SELECT app.current_member_role() = 'ADMIN') OR table_name NOT IN ('api_keys', 'webhooks'));

-- Deliveries, attempts and cursors are the system's own bookkeeping, not audited.
SELECT app.audit_attach('webhooks'::regclass, 'organization_id', 'id',
                        '{secret,previous_secret,consecutive_failures}');

------------------------------------------------------------------------------
-- The secrets' only readers
------------------------------------------------------------------------------

-- The secrets that sign a webhook's deliveries now: the current one, and the previous one
-- during a rotation's grace period. For the delivery job, in its organization's unit of work.
CREATE FUNCTION app.webhook_signing_secrets(p_webhook uuid)
  RETURNS TABLE (secret text, previous_secret text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  SELECT w.secret, CASE WHEN w.previous_expires_at > now() THEN w.previous_secret END
    FROM public.webhooks w
   WHERE w.id = p_webhook
     AND w.organization_id = app.current_org_id()
     AND app.current_member_role() = 'ADMIN'
     -- The delivery job's unit of work (no user): never a member's request, an ADMIN's included.
     AND app.current_user_id() IS NULL
$$;

-- Gives a webhook a new secret; the current one keeps signing until p_previous_until (null:
-- stops now). Only over `p_current_updated_at`, so of two rotations at once the second
-- finds the row changed and answers false instead of silently ending the first one's secret.
CREATE FUNCTION app.rotate_webhook_secret(p_webhook uuid, p_secret text, p_previous_until timestamptz,
                                          p_current_updated_at timestamptz)
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
BEGIN
  UPDATE public.webhooks w
     SET previous_secret = CASE WHEN p_previous_until IS NULL THEN NULL ELSE w.secret END,
         previous_expires_at = p_previous_until,
         secret = p_secret,
         updated_at = clock_timestamp()
   WHERE w.id = p_webhook
     AND w.organization_id = app.current_org_id()
     AND app.current_member_role() = 'ADMIN'
     AND w.updated_at = p_current_updated_at;
  RETURN FOUND;
END
$$;

------------------------------------------------------------------------------
-- Work across organizations, for the job runner: ids only
------------------------------------------------------------------------------

-- Organizations with an enabled webhook and events after their cursor, with the last seq
-- given out: every event up to it has committed, so the dispatcher may move the cursor there.
CREATE FUNCTION app.webhook_dispatch_work(p_limit integer DEFAULT 100)
  RETURNS TABLE (organization_id uuid, last_seq bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  SELECT c.organization_id, c.last_seq
    FROM public.event_counters c
    LEFT JOIN public.webhook_cursors k ON k.organization_id = c.organization_id
   WHERE c.last_seq > coalesce(k.last_seq, 0)
     AND app.current_user_id() IS NULL AND app.current_org_id() IS NULL  -- system work only
     AND EXISTS (SELECT 1 FROM public.webhooks w WHERE w.organization_id = c.organization_id AND w.enabled)
   ORDER BY c.last_seq - coalesce(k.last_seq, 0) DESC
   LIMIT p_limit
$$;

-- Pending deliveries due for longer than p_overdue_seconds and not held by an attempt: their
-- job was lost (a process died between writing them and enqueueing it). The dispatcher
-- enqueues them again; the claim in the job makes a duplicate harmless.
CREATE FUNCTION app.webhook_overdue_deliveries(p_overdue_seconds integer, p_limit integer DEFAULT 500)
  RETURNS TABLE (organization_id uuid, delivery_id uuid, attempts integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  SELECT d.organization_id, d.id, d.attempts
    FROM public.webhook_deliveries d
   WHERE d.status = 'PENDING'
     AND app.current_user_id() IS NULL AND app.current_org_id() IS NULL  -- system work only
     AND d.next_attempt_at < now() - make_interval(secs => p_overdue_seconds)
     AND (d.leased_until IS NULL OR d.leased_until < now())
   ORDER BY d.next_attempt_at
   LIMIT p_limit
$$;

-- Housekeeping (the job runner): deliveries, and their attempts, older than p_days.
CREATE FUNCTION app.purge_webhook_deliveries(p_days integer DEFAULT 30) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE n bigint;
BEGIN
  -- System work only (the job runner's unit of work: no user, no organization).
  IF NOT (app.current_user_id() IS NULL AND app.current_org_id() IS NULL) THEN
    RAISE EXCEPTION 'purge_webhook_deliveries is for the job runner';
  END IF;
  IF p_days < 1 THEN
    RAISE EXCEPTION 'purge_webhook_deliveries: keep at least one day';
  END IF;
  DELETE FROM public.webhook_deliveries WHERE status <> 'PENDING' AND created_at < now() - make_interval(days => p_days);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

------------------------------------------------------------------------------
-- Grants, and Supabase's Data API
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION app.webhook_signing_secrets(uuid), app.rotate_webhook_secret(uuid, text, timestamptz, timestamptz),
  app.webhook_dispatch_work(integer), app.webhook_overdue_deliveries(integer, integer),
  app.purge_webhook_deliveries(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.webhook_signing_secrets(uuid), app.rotate_webhook_secret(uuid, text, timestamptz, timestamptz),
  app.webhook_dispatch_work(integer), app.webhook_overdue_deliveries(integer, integer),
  app.purge_webhook_deliveries(integer) TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON webhooks, webhook_deliveries, webhook_attempts, webhook_cursors FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
