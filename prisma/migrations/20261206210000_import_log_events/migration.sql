-- Import logs on the event stream (issue 17: "logs at four levels … streamed on issue 13's event
-- stream"): each import_logs row becomes an `import.log` event, in the transaction of the batch
-- that wrote it, carrying the job's id and the line (logSeq, level, message).
--
-- A log line says what was in the file ("Row 12: email is not an email"), which only ADMINs and
-- MANAGERs may read (import_logs' policy). So import events become theirs alone: the events
-- policy below adds that rule for every `import.*` event: VIEWERs no longer see them (AGENTs,
-- who cannot import, saw none already), and the API's streams apply the same rule
-- (src/events/events.hub.ts).

-- app.emit_event as in 20261206050000_events_outbox, with the import_logs branch.
CREATE OR REPLACE FUNCTION app.emit_event() RETURNS trigger
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
    WHEN 'import_logs' THEN
      v_verb := 'log';
      v_refs := jsonb_build_object('logSeq', v_row ->> 'id', 'level', v_row ->> 'level', 'message', v_row ->> 'message');
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

SELECT app.events_attach('import_logs'::regclass, 'import', 'organization_id', 'job_id', 'INSERT');

-- events_read as in 20261206050000_events_outbox, plus: import events for ADMINs and MANAGERs only.
DROP POLICY events_read ON events;
CREATE POLICY events_read ON events FOR SELECT TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (recipient_id IS NULL OR recipient_id = (SELECT app.current_user_id()))
    AND (entity <> 'import' OR (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'))
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
