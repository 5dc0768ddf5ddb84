-- The transactional outbox (issue 16): every change worth telling is an `events` row written
-- by the database itself, in the transaction of the change, so no code path can change a
-- row without its event and a rolled-back change emits nothing.
--
-- One mechanism: a trigger on each table. It is a DEFERRED constraint trigger, so it runs at
-- COMMIT, which is what makes event ids (`seq`) monotonic per organization *in commit
-- order*: the trigger takes the organization's counter row (event_counters) at commit and
-- holds it until the commit is done, so an event with a lower seq is never committed after
-- one with a higher seq. A reader that has seen seq N has seen every committed event ≤ N —
-- the property a stream resumed with Last-Event-ID and a webhook cursor rely on. Taking
-- that lock only at commit (not at the change) keeps it short and free of deadlocks with
-- row locks: nothing else is locked after it.
--
-- Payload: the entity and its id, the names of the fields that changed (the Prisma model's
-- names, as in the audit history), related ids, who acted. Never values: a receiver learns
-- what changed and reads the record through the API, under its own row-level security.
--
-- A business action a row change alone cannot name (a merge) is named by the service with
-- the transaction-local setting app.change_reason ('lead.merged'); the trigger reads it.

CREATE TABLE events (
  organization_id  uuid NOT NULL,
  -- Per organization, gapless, in commit order (above): the SSE id and every cursor.
  seq              bigint NOT NULL,
  type             text NOT NULL,
  entity           text NOT NULL,
  entity_id        uuid NOT NULL,
  -- Field names that changed (an update), empty for created/deleted.
  fields           text[] NOT NULL DEFAULT '{}',
  -- Related ids ({"ticketId": …, "commentId": …}); ids only.
  refs             jsonb NOT NULL DEFAULT '{}',
  actor_user_id    uuid,
  actor_api_key_id uuid,
  request_id       text,
  -- Set for an event meant for one member only (notification.created): nobody else sees it.
  recipient_id     uuid,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, seq)
);

-- The last seq given out per organization; its row is the per-organization commit lock.
CREATE TABLE event_counters (
  organization_id uuid PRIMARY KEY,
  last_seq        bigint NOT NULL
);

------------------------------------------------------------------------------
-- Who sees an event: what row-level security would show them of the row
------------------------------------------------------------------------------

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
-- A member sees the organization's events, except another member's own (recipient_id); an
-- AGENT only those on records they can see now, or that they caused themselves.
CREATE POLICY events_read ON events FOR SELECT TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (recipient_id IS NULL OR recipient_id = (SELECT app.current_user_id()))
    AND (
      NOT (SELECT app.is_agent())
      OR actor_user_id = (SELECT app.current_user_id())
      -- The record, under its own table's policies (the AGENT scope of leads, deals,
      -- activities, appointments and tickets decides, as it does for the API). Inline, not a
      -- function: planned once per query as subplans, not once per row. A record deleted
      -- since (an activity, an appointment) is seen by nobody this way.
      OR CASE entity
        WHEN 'lead' THEN EXISTS (
          SELECT 1 FROM leads r WHERE r.organization_id = events.organization_id AND r.id = events.entity_id)
        WHEN 'contact' THEN EXISTS (
          SELECT 1 FROM contacts r WHERE r.organization_id = events.organization_id AND r.id = events.entity_id)
        WHEN 'deal' THEN EXISTS (
          SELECT 1 FROM deals r WHERE r.organization_id = events.organization_id AND r.id = events.entity_id)
        WHEN 'listing' THEN EXISTS (
          SELECT 1 FROM listings r WHERE r.organization_id = events.organization_id AND r.id = events.entity_id)
        WHEN 'activity' THEN EXISTS (
          SELECT 1 FROM activities r WHERE r.organization_id = events.organization_id AND r.id = events.entity_id)
        WHEN 'appointment' THEN EXISTS (
          SELECT 1 FROM appointments r WHERE r.organization_id = events.organization_id AND r.id = events.entity_id)
        WHEN 'ticket' THEN EXISTS (
          SELECT 1 FROM tickets r WHERE r.organization_id = events.organization_id AND r.id = events.entity_id)
        WHEN 'member' THEN EXISTS (
          SELECT 1 FROM memberships r WHERE r.organization_id = events.organization_id AND r.user_id = events.entity_id)
        WHEN 'notification' THEN EXISTS (
          SELECT 1 FROM notifications r WHERE r.organization_id = events.organization_id AND r.id = events.entity_id)
        ELSE false
      END
    )
  );
GRANT SELECT ON events TO crm_app;
-- crm_app has no grant on event_counters at all; RLS on, no policy for it, for Supabase.
ALTER TABLE event_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_counters FORCE ROW LEVEL SECURITY;

-- For the definer functions below when their owner is subject to RLS (not a superuser).
CREATE POLICY events_owner_all ON events FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY event_counters_owner_all ON event_counters FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

-- The API's fan-out (EventsHub) reads each organization's new events once, for all its
-- streams, then shows each member what the policy above would: events_read's recipient rule
-- is applied in the API, and an AGENT's streams ask the database under their own policy.
-- Only for a unit of work with an organization and no user (a member's request always has
-- one), and only that organization's events.
CREATE FUNCTION app.events_for_fanout(p_after bigint, p_limit integer)
  RETURNS SETOF events
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  SELECT e.* FROM public.events e
   WHERE e.organization_id = app.current_org_id() AND app.current_user_id() IS NULL AND e.seq > p_after
   ORDER BY e.seq
   LIMIT least(p_limit, 1000)
$$;

-- The current organization's last event id (0 when none): where a stream that starts from
-- now starts. A number only, for any member (an AGENT's own newest visible event could be
-- days old, and finding it would scan every event since through the policy).
CREATE FUNCTION app.latest_event_seq() RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  SELECT coalesce((SELECT c.last_seq FROM public.event_counters c WHERE c.organization_id = app.current_org_id()), 0)
$$;

-- …and which of those events in (p_from, p_to] each AGENT of p_agents may see: events_read
-- itself decides, evaluated as each of them in turn (the function runs as the caller,
-- crm_app, with that member's settings; the settings are cleared again at the end). One
-- statement for every AGENT with an open stream, instead of a transaction each.
CREATE FUNCTION app.events_visible_to_agents(p_agents uuid[], p_from bigint, p_to bigint)
  RETURNS TABLE (user_id uuid, seq bigint)
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $$
DECLARE
  v_agent uuid;
BEGIN
  IF app.current_user_id() IS NOT NULL OR app.current_org_id() IS NULL THEN
    RAISE EXCEPTION 'events_visible_to_agents is for the fan-out: an organization and no user';
  END IF;
  FOREACH v_agent IN ARRAY p_agents LOOP
    PERFORM set_config('app.current_user_id', v_agent::text, true), set_config('app.current_role', 'AGENT', true);
    RETURN QUERY
      SELECT v_agent, e.seq FROM public.events e
       WHERE e.organization_id = app.current_org_id() AND e.seq > p_from AND e.seq <= p_to;
  END LOOP;
  PERFORM set_config('app.current_user_id', '', true), set_config('app.current_role', '', true);
END
$$;

------------------------------------------------------------------------------
-- The trigger
------------------------------------------------------------------------------

-- Arguments (from app.events_attach): the entity name, the organization column, the id
-- column, then the columns whose changes are not news (updated_at, version, generated
-- columns, secrets).
CREATE FUNCTION app.emit_event() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v_old       jsonb;
  v_new       jsonb;
  v_row       jsonb;
  v_entity    text := TG_ARGV[0];
  v_fields    text[] := '{}';
  v_refs      jsonb := '{}';
  v_verb      text;
  v_id        uuid;
  v_org       uuid;
  v_recipient uuid;
  v_seq       bigint;
  v_reason    text := nullif(current_setting('app.change_reason', true), '');
BEGIN
  IF TG_OP <> 'INSERT' THEN
    v_old := to_jsonb(OLD) - TG_ARGV[3:];
  END IF;
  IF TG_OP <> 'DELETE' THEN
    v_new := to_jsonb(NEW) - TG_ARGV[3:];
  END IF;
  v_row := coalesce(v_new, v_old);
  v_org := (v_row ->> TG_ARGV[1])::uuid;
  v_id := (v_row ->> TG_ARGV[2])::uuid;

  IF TG_OP = 'UPDATE' THEN
    SELECT coalesce(array_agg(app.audit_field_name(n.key) ORDER BY n.key), '{}')
      INTO v_fields
      FROM jsonb_each(v_new) n JOIN jsonb_each(v_old) o ON o.key = n.key
     WHERE n.value <> o.value;
    -- Only columns that are not news changed: no event, unless the service named the action
    -- (a merge that took nothing from the duplicate is still a merge).
    IF cardinality(v_fields) = 0 AND split_part(v_reason, '.', 1) IS DISTINCT FROM v_entity THEN
      RETURN NULL;
    END IF;
  END IF;

  CASE TG_TABLE_NAME
    WHEN 'ticket_assignees' THEN
      v_verb := 'assigned';
      v_refs := jsonb_build_object('userId', v_row ->> 'user_id');
    WHEN 'ticket_comments' THEN
      IF (v_row ->> 'is_internal')::boolean THEN
        RETURN NULL;  -- internal notes are not news outside the team's own views
      END IF;
      v_verb := 'comment_added';
      v_refs := jsonb_build_object('commentId', v_row ->> 'id');
    WHEN 'notifications' THEN
      v_verb := 'created';
      v_recipient := (v_row ->> 'user_id')::uuid;
    ELSE
      v_verb := CASE
        WHEN TG_OP = 'INSERT' THEN 'created'
        WHEN TG_OP = 'DELETE' THEN 'deleted'
        WHEN 'deletedAt' = ANY (v_fields) THEN
          CASE WHEN v_new ->> 'deleted_at' IS NULL THEN 'restored' ELSE 'deleted' END
        WHEN split_part(v_reason, '.', 1) = v_entity THEN split_part(v_reason, '.', 2)
        WHEN v_entity = 'lead' AND 'status' = ANY (v_fields) AND v_new ->> 'status' = 'CONVERTED' THEN 'converted'
        WHEN v_entity = 'lead' AND 'assignedToId' = ANY (v_fields) THEN 'assigned'
        WHEN v_entity = 'deal' AND 'stage' = ANY (v_fields) THEN 'stage_changed'
        WHEN v_entity = 'listing' AND 'price' = ANY (v_fields) THEN 'price_changed'
        WHEN v_entity = 'listing' AND 'status' = ANY (v_fields) THEN 'status_changed'
        WHEN v_entity = 'appointment' AND 'status' = ANY (v_fields) AND v_new ->> 'status' = 'CANCELLED' THEN 'cancelled'
        WHEN v_entity = 'ticket' AND 'status' = ANY (v_fields) THEN 'transitioned'
        ELSE 'updated'
      END;
  END CASE;

  -- The organization's commit lock (see the top of this file), held until COMMIT ends.
  INSERT INTO public.event_counters AS c (organization_id, last_seq) VALUES (v_org, 1)
    ON CONFLICT (organization_id) DO UPDATE SET last_seq = c.last_seq + 1
    RETURNING c.last_seq INTO v_seq;
  INSERT INTO public.events (organization_id, seq, type, entity, entity_id, fields, refs,
                             actor_user_id, actor_api_key_id, request_id, recipient_id, created_at)
  VALUES (v_org, v_seq, v_entity || '.' || v_verb, v_entity, v_id, v_fields, v_refs,
          app.current_user_id(), app.current_api_key_id(),
          nullif(current_setting('app.request_id', true), ''), v_recipient,
          -- The commit's time, not the transaction's start (now()): what occurredAt says.
          clock_timestamp());
  -- Ids only: every listener reads the event itself under its own row-level security.
  -- Delivered after COMMIT, in commit order; a rolled-back transaction notifies nobody.
  PERFORM pg_notify('crm_events', v_org::text || ':' || v_seq::text);
  RETURN NULL;
END
$$;

-- (Re)attaches the events trigger to a table (for migrations): p_ops the operations that are
-- news, p_secrets columns never named. Like app.audit_attach, updated_at, version and
-- generated columns are found in the catalog.
CREATE FUNCTION app.events_attach(p_table regclass, p_entity text, p_org_column text, p_id_column text,
                                  p_ops text DEFAULT 'INSERT OR UPDATE OR DELETE', p_secrets text[] DEFAULT '{}')
  RETURNS void
  LANGUAGE plpgsql
  AS $$
DECLARE
  v_ignored text[];
  v_name    text := (SELECT c.relname FROM pg_class c WHERE c.oid = p_table);
BEGIN
  SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO v_ignored
    FROM pg_attribute a
   WHERE a.attrelid = p_table AND a.attnum > 0 AND NOT a.attisdropped
     AND (a.attname IN ('updated_at', 'version') OR a.attgenerated <> '' OR a.attname = ANY (p_secrets));
  IF EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = p_table AND g.tgname = v_name || '_events') THEN
    EXECUTE format('DROP TRIGGER %I ON %s', v_name || '_events', p_table);
  END IF;
  EXECUTE format(
    'CREATE CONSTRAINT TRIGGER %I AFTER %s ON %s DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION app.emit_event(%s)',
    v_name || '_events', p_ops, p_table,
    (SELECT string_agg(quote_literal(arg), ', ')
       FROM unnest(ARRAY[p_entity, p_org_column, p_id_column] || coalesce(v_ignored, '{}')) arg));
END
$$;

SELECT app.events_attach(t.name::regclass, t.entity, 'organization_id', t.id_column, t.ops)
  FROM (VALUES
    ('leads',            'lead',         'id',        'INSERT OR UPDATE'),
    ('contacts',         'contact',      'id',        'INSERT OR UPDATE'),
    ('deals',            'deal',         'id',        'INSERT OR UPDATE'),
    ('listings',         'listing',      'id',        'INSERT OR UPDATE'),
    ('activities',       'activity',     'id',        'INSERT OR UPDATE OR DELETE'),
    ('appointments',     'appointment',  'id',        'INSERT OR UPDATE OR DELETE'),
    ('tickets',          'ticket',       'id',        'INSERT OR UPDATE OR DELETE'),
    ('ticket_assignees', 'ticket',       'ticket_id', 'INSERT'),
    ('ticket_comments',  'ticket',       'ticket_id', 'INSERT'),
    ('notifications',    'notification', 'id',        'INSERT'),
    -- Who belongs, with which role: also what tells the API's open streams to check a member again.
    ('memberships',      'member',       'user_id',   'INSERT OR UPDATE OR DELETE')
  ) AS t (name, entity, id_column, ops);

------------------------------------------------------------------------------
-- Stream tokens: EventSource cannot send headers
------------------------------------------------------------------------------

CREATE TABLE event_stream_tokens (
  token_hash      bytea PRIMARY KEY,
  organization_id uuid NOT NULL,
  user_id         uuid NOT NULL,
  expires_at      timestamptz(3) NOT NULL,
  used_at         timestamptz(3),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  FOREIGN KEY (organization_id, user_id) REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE
);
CREATE INDEX event_stream_tokens_expiry_idx ON event_stream_tokens (expires_at);
ALTER TABLE event_stream_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_stream_tokens FORCE ROW LEVEL SECURITY;
-- A member mints tokens for themselves in the current organization; nobody reads them back.
CREATE POLICY event_stream_tokens_mint ON event_stream_tokens FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    AND user_id = (SELECT app.current_user_id())
    AND (SELECT app.current_member_role()) IS NOT NULL
    -- A member signed in as themselves: a key would mint its creator's unscoped stream.
    AND (SELECT app.current_api_key_id()) IS NULL
  );
GRANT INSERT ON event_stream_tokens TO crm_app;
CREATE POLICY event_stream_tokens_owner_all ON event_stream_tokens FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

-- Spends a token: its organization and user once, while it is unexpired; nothing after.
-- Runs before anyone is known (the token is the credential), so as the owner.
CREATE FUNCTION app.redeem_stream_token(p_hash bytea)
  RETURNS TABLE (organization_id uuid, user_id uuid)
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  UPDATE public.event_stream_tokens t SET used_at = now()
   WHERE t.token_hash = p_hash AND t.used_at IS NULL AND t.expires_at > now()
  RETURNING t.organization_id, t.user_id
$$;

-- Housekeeping (the job runner): spent or expired tokens, and events older than p_days.
CREATE FUNCTION app.purge_event_stream_tokens() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE n bigint;
BEGIN
  -- System work only (the job runner's unit of work: no user, no organization).
  IF NOT (app.current_user_id() IS NULL AND app.current_org_id() IS NULL) THEN
    RAISE EXCEPTION 'purge_event_stream_tokens is for the job runner';
  END IF;
  DELETE FROM public.event_stream_tokens WHERE expires_at < now() - interval '1 hour';
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

CREATE FUNCTION app.purge_events(p_days integer DEFAULT 30) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE n bigint;
BEGIN
  -- System work only (the job runner's unit of work: no user, no organization).
  IF NOT (app.current_user_id() IS NULL AND app.current_org_id() IS NULL) THEN
    RAISE EXCEPTION 'purge_events is for the job runner';
  END IF;
  IF p_days < 1 THEN
    RAISE EXCEPTION 'purge_events: keep at least one day';
  END IF;
  DELETE FROM public.events WHERE created_at < now() - make_interval(days => p_days);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

------------------------------------------------------------------------------
-- Grants, and Supabase's Data API
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION app.emit_event(), app.events_for_fanout(bigint, integer), app.latest_event_seq(),
  app.events_visible_to_agents(uuid[], bigint, bigint), app.events_attach(regclass, text, text, text, text, text[]),
  app.redeem_stream_token(bytea), app.purge_event_stream_tokens(), app.purge_events(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.redeem_stream_token(bytea), app.purge_event_stream_tokens(), app.purge_events(integer),
  app.events_for_fanout(bigint, integer), app.events_visible_to_agents(uuid[], bigint, bigint),
  app.latest_event_seq() TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON events, event_counters, event_stream_tokens FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
