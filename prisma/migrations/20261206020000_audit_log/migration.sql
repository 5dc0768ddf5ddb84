-- Audit history (issue 15, seed 001's audit_history): every change to an organization's
-- data, written by one trigger on every tenant data table, so no code path — the API, a
-- bulk update, a trigger of another table, plain SQL — can change a row without a record.
--
-- One row per changed row: the table, the record's id, the action, only the columns that
-- changed as {"field": [old, new]}, who acted (app.current_user_id(), and
-- app.current_api_key_id() when an integration key acted for its creator), the request
-- (app.request_id, set by the API in every unit of work) and when. Field names are the
-- Prisma model's (scoreValue for score_value): the names the API uses, by the project's one
-- naming rule (every @map is the snake_case of its field; test/audit.e2e.spec.ts checks it).
--
-- Never recorded: updated_at and version (every update changes them), generated columns
-- (derived from recorded ones: leads' score and match keys, listings' search keys,
-- activities' occurred_at), and each table's secrets (below, passed to app.audit_attach).
-- An update that changes only such columns writes nothing.
--
-- Append-only: the trigger function runs as the table's owner (SECURITY DEFINER) and is the
-- only writer; crm_app may only SELECT, under RLS: ADMIN and MANAGER read the current
-- organization's history, every other role only the changes they made themselves.

CREATE TYPE "AuditAction" AS ENUM ('INSERT', 'UPDATE', 'DELETE', 'SOFT_DELETE', 'RESTORE');

------------------------------------------------------------------------------
-- organizations: how long each keeps its history
------------------------------------------------------------------------------

-- Added before the triggers exist, so no organization gets an audit row for it.
ALTER TABLE organizations
  ADD COLUMN audit_retention_days integer NOT NULL DEFAULT 730 CHECK (audit_retention_days BETWEEN 1 AND 3650);

------------------------------------------------------------------------------
-- audit_log
------------------------------------------------------------------------------

CREATE TABLE audit_log (
  -- Monotonic (an identity, never reused): the order of the history and its page cursor.
  id               bigint GENERATED ALWAYS AS IDENTITY,
  -- No foreign keys here: an organization's rows deleted in one statement (a cascade) are
  -- recorded as they go, and a record, a profile or a key outlives nothing it names.
  organization_id  uuid NOT NULL,
  table_name       text NOT NULL,
  record_id        uuid NOT NULL,
  action           "AuditAction" NOT NULL,
  changes          jsonb NOT NULL,
  actor_user_id    uuid,
  actor_api_key_id uuid,
  request_id       text,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  -- Leads with organization_id like every tenant key, and is the organization's feed newest
  -- first (scanned backwards): no separate (organization_id, id DESC) index to maintain.
  PRIMARY KEY (organization_id, id)
);
-- One record's history (GET /v1/{resource}/{id}/audit, ?table=&recordId=).
CREATE INDEX audit_log_record_idx ON audit_log (organization_id, table_name, record_id, id DESC);
-- One person's changes (?actorId=), and every read by a role that sees only its own.
CREATE INDEX audit_log_actor_idx ON audit_log (organization_id, actor_user_id, id DESC);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (
      (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER')
      OR actor_user_id = (SELECT app.current_user_id())
    )
  );
-- Read-only for the API: no INSERT, UPDATE or DELETE grant, so not even a bug can rewrite history.
GRANT SELECT ON audit_log TO crm_app;

-- The definer functions below run as the table's owner (the migration role). Where that role
-- is a superuser or BYPASSRLS (Supabase's postgres, the tests) RLS does not apply to it; for
-- any other owner these give it exactly what those functions do: insert (the trigger), read
-- and delete (the purge, which also reads every organization's retention).
CREATE POLICY audit_log_owner_insert ON audit_log FOR INSERT TO CURRENT_USER WITH CHECK (true);
CREATE POLICY audit_log_owner_read ON audit_log FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY audit_log_owner_purge ON audit_log FOR DELETE TO CURRENT_USER USING (true);
CREATE POLICY organizations_owner_read ON organizations FOR SELECT TO CURRENT_USER USING (true);

------------------------------------------------------------------------------
-- The trigger
------------------------------------------------------------------------------

-- A column's field name in the Prisma model and the API: score_value → scoreValue.
CREATE FUNCTION app.audit_field_name(p_column text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(left(p_column, 1)) || substr(replace(initcap(p_column), '_', ''), 2) $$;

-- AFTER INSERT OR UPDATE OR DELETE, FOR EACH ROW. Arguments (from app.audit_attach): the
-- column holding the organization's id, the column holding the record's id, then every
-- column never recorded. Values are the columns' JSON forms (to_jsonb): instants with their
-- offset (the session's time zone: UTC on Supabase and PGlite; pinning it here with
-- SET TimeZone doubled the trigger's cost), numbers for integer and decimal columns, arrays
-- and objects as they are.
CREATE FUNCTION app.audit_row() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v_old     jsonb;
  v_new     jsonb;
  v_row     jsonb;
  v_changes jsonb;
  v_action  "AuditAction";
BEGIN
  IF TG_OP <> 'INSERT' THEN
    v_old := to_jsonb(OLD) - TG_ARGV[2:];
  END IF;
  IF TG_OP <> 'DELETE' THEN
    v_new := to_jsonb(NEW) - TG_ARGV[2:];
  END IF;

  IF TG_OP = 'UPDATE' THEN
    SELECT jsonb_object_agg(app.audit_field_name(n.key), jsonb_build_array(o.value, n.value))
      INTO v_changes
      FROM jsonb_each(v_new) n JOIN jsonb_each(v_old) o ON o.key = n.key
     WHERE n.value <> o.value;
    IF v_changes IS NULL THEN
      RETURN NULL;  -- only ignored columns changed
    END IF;
    -- ->> of a missing key is null too: tables without deleted_at are always UPDATE.
    v_action := CASE
      WHEN v_old ->> 'deleted_at' IS NULL AND v_new ->> 'deleted_at' IS NOT NULL THEN 'SOFT_DELETE'
      WHEN v_old ->> 'deleted_at' IS NOT NULL AND v_new ->> 'deleted_at' IS NULL THEN 'RESTORE'
      ELSE 'UPDATE'
    END;
    v_row := v_new;
  ELSE
    -- INSERT: every non-null column as [null, new]; DELETE: as [old, null].
    v_row := coalesce(v_new, v_old);
    SELECT jsonb_object_agg(
             app.audit_field_name(r.key),
             CASE WHEN TG_OP = 'INSERT' THEN jsonb_build_array(NULL, r.value) ELSE jsonb_build_array(r.value, NULL) END)
      INTO v_changes
      FROM jsonb_each(v_row) r
     WHERE r.value <> 'null'::jsonb;
    v_action := TG_OP::"AuditAction";
  END IF;

  INSERT INTO public.audit_log (organization_id, table_name, record_id, action, changes,
                                actor_user_id, actor_api_key_id, request_id)
  VALUES ((v_row ->> TG_ARGV[0])::uuid, TG_TABLE_NAME, (v_row ->> TG_ARGV[1])::uuid, v_action,
          coalesce(v_changes, '{}'::jsonb), app.current_user_id(), app.current_api_key_id(),
          nullif(current_setting('app.request_id', true), ''));
  RETURN NULL;
END
$$;

-- (Re)attaches the audit trigger to a table, for migrations: p_secrets are the table's columns
-- never to be recorded (a hash, a token); updated_at, version and generated columns are added
-- from the catalog. A migration that adds a generated or secret column to an audited table
-- calls it again. Naming a column the table does not have is an error, so a typo cannot
-- leave a secret recorded.
CREATE FUNCTION app.audit_attach(p_table regclass, p_org_column text, p_record_column text,
                                 p_secrets text[] DEFAULT '{}')
  RETURNS void
  LANGUAGE plpgsql
  AS $$
DECLARE
  v_columns text[];
  v_ignored text[];
  v_name    text := (SELECT c.relname FROM pg_class c WHERE c.oid = p_table);
BEGIN
  SELECT array_agg(a.attname::text) INTO v_columns
    FROM pg_attribute a WHERE a.attrelid = p_table AND a.attnum > 0 AND NOT a.attisdropped;
  IF NOT (ARRAY[p_org_column, p_record_column] || p_secrets) <@ v_columns THEN
    RAISE EXCEPTION 'audit_attach(%): no column %', v_name,
      (SELECT array_agg(c) FROM unnest(ARRAY[p_org_column, p_record_column] || p_secrets) c WHERE c <> ALL (v_columns));
  END IF;
  SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO v_ignored
    FROM pg_attribute a
   WHERE a.attrelid = p_table AND a.attnum > 0 AND NOT a.attisdropped
     AND (a.attname IN ('updated_at', 'version') OR a.attgenerated <> '' OR a.attname = ANY (p_secrets));
  IF EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = p_table AND g.tgname = v_name || '_audit') THEN
    EXECUTE format('DROP TRIGGER %I ON %s', v_name || '_audit', p_table);
  END IF;
  EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION app.audit_row(%s)',
                 v_name || '_audit', p_table,
                 (SELECT string_agg(quote_literal(arg), ', ')
                    FROM unnest(ARRAY[p_org_column, p_record_column] || coalesce(v_ignored, '{}')) arg));
END
$$;

-- Every tenant data table. Not audited: the history tables (deal_stage_history,
-- listing_price_history, listing_status_history, ticket_status_history — their changes are
-- the audited change of their parent, so a stage change is one audit row, for the deal),
-- notifications, idempotency_keys, ticket_counters, profiles and auth_credentials.
SELECT app.audit_attach(t.name::regclass, t.org_column, t.record_column, t.secrets)
  FROM (VALUES
    ('organizations',         'id',              'id',             '{}'::text[]),
    ('memberships',           'organization_id', 'user_id',        '{}'),
    ('leads',                 'organization_id', 'id',             '{}'),
    ('contacts',              'organization_id', 'id',             '{}'),
    ('listings',              'organization_id', 'id',             '{}'),
    ('deals',                 'organization_id', 'id',             '{}'),
    ('activities',            'organization_id', 'id',             '{}'),
    ('appointments',          'organization_id', 'id',             '{}'),
    -- A pure join row: its record is the appointment whose attendees changed (contactId says who).
    ('appointment_attendees', 'organization_id', 'appointment_id', '{}'),
    ('tickets',               'organization_id', 'id',             '{}'),
    ('ticket_assignees',      'organization_id', 'id',             '{}'),
    ('ticket_comments',       'organization_id', 'id',             '{}'),
    ('ticket_attachments',    'organization_id', 'id',             '{}'),
    -- The link's token is a bearer secret; its hash would let anyone who reads it test guesses.
    ('ticket_share_links',    'organization_id', 'id',             '{token_hash}'),
    -- Secret hashes, and last_used_at: it changes on use (at most once a minute), which is not an edit.
    ('api_keys',              'organization_id', 'id',             '{key_hash,previous_key_hash,last_used_at}')
  ) AS t (name, org_column, record_column, secrets);

------------------------------------------------------------------------------
-- Retention
------------------------------------------------------------------------------

-- Deletes the rows older than their organization's audit_retention_days (the default, 730,
-- for an organization deleted in SQL), at most p_limit of them (null: all), and returns how
-- many. Issue 16's job runner will call it daily; until then run it from cron or pg_cron:
--   SELECT cron.schedule('purge-audit-log', '17 3 * * *', 'SELECT app.purge_audit_log()');
-- It reads the table once (the oldest rows are found first, as they were written first).
CREATE FUNCTION app.purge_audit_log(p_limit integer DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE n bigint;
BEGIN
  DELETE FROM public.audit_log
   WHERE ctid IN (
     SELECT l.ctid FROM public.audit_log l
       LEFT JOIN public.organizations o ON o.id = l.organization_id
      WHERE l.created_at < now() - make_interval(days => coalesce(o.audit_retention_days, 730))
      LIMIT p_limit);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

------------------------------------------------------------------------------
-- Grants, and Supabase's Data API
------------------------------------------------------------------------------

-- The trigger functions are never called directly; app.audit_attach is for migrations only.
REVOKE ALL ON FUNCTION app.audit_field_name(text), app.audit_row(), app.audit_attach(regclass, text, text, text[]),
  app.purge_audit_log(integer) FROM PUBLIC;
-- The job runner (issue 16) runs as the API's role; the function deletes only expired rows.
GRANT EXECUTE ON FUNCTION app.purge_audit_log(integer) TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON audit_log FROM %I', r);
      EXECUTE format('REVOKE ALL ON SEQUENCE audit_log_id_seq FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
