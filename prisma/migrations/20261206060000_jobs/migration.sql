-- Background jobs (issue 16, part 3) and the housekeeping they run (part 5).
--
-- On Postgres the job runner is pg-boss, which keeps its own tables in schema `pgboss`
-- (created by pg-boss itself at start, outside these migrations). The embedded database
-- (PGlite) cannot run pg-boss, so src/jobs/embedded has a small runner whose jobs live in
-- embedded_jobs below; on Postgres that table stays empty. Both record jobs that ran out of
-- attempts while working for an organization in job_failures, the dead letter its ADMINs
-- list and retry (GET /v1/jobs?state=failed, POST /v1/jobs/{id}/retry).

------------------------------------------------------------------------------
-- job_failures: the dead letter, per organization
------------------------------------------------------------------------------

CREATE TABLE job_failures (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  queue           text NOT NULL CHECK (length(queue) BETWEEN 1 AND 100),
  -- The runner's id of the job that failed (pg-boss's, or embedded_jobs.id).
  job_id          uuid NOT NULL,
  -- What the job was sent with: ids and names, never secrets (JobQueue's contract).
  data            jsonb NOT NULL,
  -- The last attempt's error message only, truncated: never a stack or a response body.
  error           text NOT NULL CHECK (length(error) <= 1000),
  attempts        integer NOT NULL CHECK (attempts >= 1),
  failed_at       timestamptz(3) NOT NULL DEFAULT now(),
  -- Set once, when an ADMIN re-enqueued the job: a second retry is a 409.
  retried_at      timestamptz(3),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id)
);
-- The ADMIN's list: newest first, one organization.
CREATE INDEX job_failures_org_failed_idx ON job_failures (organization_id, failed_at DESC, id DESC);

ALTER TABLE job_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_failures FORCE ROW LEVEL SECURITY;
-- Read and retried by the organization's ADMINs only.
CREATE POLICY job_failures_admin_read ON job_failures FOR SELECT TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
  );
CREATE POLICY job_failures_admin_retry ON job_failures FOR UPDATE TO crm_app
  USING (
    organization_id = (SELECT app.current_org_id())
    AND (SELECT app.current_member_role()) = 'ADMIN'
  )
  WITH CHECK (organization_id = (SELECT app.current_org_id()));
-- Written by the job runner acting for the job's organization (no member role: a job is
-- nobody's request), into that organization only.
CREATE POLICY job_failures_record ON job_failures FOR INSERT TO crm_app
  WITH CHECK (
    organization_id = (SELECT app.current_org_id())
    -- Never a member's request: a forged failure would be re-sent as a job by its retry.
    AND (SELECT app.current_user_id()) IS NULL
  );
GRANT SELECT, INSERT ON job_failures TO crm_app;
GRANT UPDATE (retried_at) ON job_failures TO crm_app;

------------------------------------------------------------------------------
-- embedded_jobs: the embedded runner's queue (PGlite only)
------------------------------------------------------------------------------

-- One row per job. A worker claims due rows in a short transaction of its own (state
-- 'active'), runs the handler with no transaction open (PGlite has one connection), then
-- completes, reschedules (retry) or fails the row in another short transaction.
CREATE TABLE embedded_jobs (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  queue           text NOT NULL CHECK (length(queue) BETWEEN 1 AND 100),
  data            jsonb NOT NULL,
  -- The organization the job works for, if any: where its failure is recorded.
  organization_id uuid,
  state           text NOT NULL DEFAULT 'created' CHECK (state IN ('created', 'active', 'completed', 'failed')),
  retry_count     integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
  retry_limit     integer NOT NULL CHECK (retry_limit >= 0),
  -- Seconds; fractions allowed (tests retry in milliseconds).
  retry_delay     double precision NOT NULL CHECK (retry_delay >= 0),
  retry_backoff   boolean NOT NULL,
  singleton_key   text,
  start_after     timestamptz(3) NOT NULL DEFAULT now(),
  started_at      timestamptz(3),
  completed_at    timestamptz(3),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  last_error      text CHECK (length(last_error) <= 1000),
  PRIMARY KEY (id)
);
-- What a worker looks for: its queue's due jobs, oldest due first.
CREATE INDEX embedded_jobs_due_idx ON embedded_jobs (queue, start_after) WHERE state = 'created';
-- At most one queued (not yet running) job per singleton key and queue, as pg-boss does.
CREATE UNIQUE INDEX embedded_jobs_singleton_idx ON embedded_jobs (queue, singleton_key)
  WHERE state = 'created' AND singleton_key IS NOT NULL;
-- Finished jobs are deleted after a day (the runner's own housekeeping).
CREATE INDEX embedded_jobs_finished_idx ON embedded_jobs (completed_at) WHERE state IN ('completed', 'failed');

ALTER TABLE embedded_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE embedded_jobs FORCE ROW LEVEL SECURITY;
-- The runner's own table, not an organization's data: the runner reaches it as crm_app
-- (TenantDb.runTrusted, or inside the caller's unit of work when a request enqueues,
-- whatever its organization). No route reads it; jobs carry ids, never secrets.
CREATE POLICY embedded_jobs_runner ON embedded_jobs FOR ALL TO crm_app USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON embedded_jobs TO crm_app;

------------------------------------------------------------------------------
-- storage_deletions: attachment objects whose row is gone
------------------------------------------------------------------------------

-- Storage drivers cannot list their objects, so orphans are found from the database: every
-- deleted ticket_attachments row (removed by an ADMIN, or by its ticket's cascade) queues
-- its object here, and the housekeeping job deletes the object and then the row. The
-- attachment service already deletes the object at once; this catches what it could not
-- (storage down, process gone) and the cascades it never sees.
CREATE TABLE storage_deletions (
  storage_path text NOT NULL,
  queued_at    timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (storage_path)
);
CREATE INDEX storage_deletions_queued_idx ON storage_deletions (queued_at);
ALTER TABLE storage_deletions ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage_deletions FORCE ROW LEVEL SECURITY;
-- No grant to crm_app: reached only through the definer functions below, which run as the
-- table's owner; where that owner is neither superuser nor BYPASSRLS, this policy lets it.
CREATE POLICY storage_deletions_owner ON storage_deletions FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

CREATE FUNCTION app.queue_storage_deletion() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
BEGIN
  INSERT INTO public.storage_deletions (storage_path) VALUES (OLD.storage_path) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER ticket_attachments_storage_deletion AFTER DELETE ON ticket_attachments
  FOR EACH ROW EXECUTE FUNCTION app.queue_storage_deletion();

-- The paths queued at least p_grace_seconds ago, oldest first, at most p_limit.
CREATE FUNCTION app.storage_deletions_due(p_grace_seconds integer, p_limit integer)
  RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  SELECT storage_path FROM public.storage_deletions
   WHERE queued_at <= now() - make_interval(secs => p_grace_seconds)
     AND app.current_user_id() IS NULL AND app.current_org_id() IS NULL  -- system work only
   ORDER BY queued_at LIMIT p_limit
$$;

-- Forgets paths whose objects are deleted; a path that has a live row again (never: paths
-- hold a fresh uuid) would be kept.
CREATE FUNCTION app.storage_deletions_done(p_paths text[]) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE n integer;
BEGIN
  -- System work only (the job runner's unit of work: no user, no organization).
  IF NOT (app.current_user_id() IS NULL AND app.current_org_id() IS NULL) THEN
    RAISE EXCEPTION 'storage_deletions_done is for the job runner';
  END IF;
  DELETE FROM public.storage_deletions d
   WHERE d.storage_path = ANY (p_paths)
     AND NOT EXISTS (SELECT 1 FROM public.ticket_attachments a WHERE a.storage_path = d.storage_path);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

------------------------------------------------------------------------------
-- Grants, and Supabase's Data API
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION app.queue_storage_deletion(), app.storage_deletions_due(integer, integer),
  app.storage_deletions_done(text[]) FROM PUBLIC;
-- The housekeeping job runs as the API's role.
GRANT EXECUTE ON FUNCTION app.storage_deletions_due(integer, integer), app.storage_deletions_done(text[]) TO crm_app;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('REVOKE ALL ON job_failures, embedded_jobs, storage_deletions FROM %I', r);
      EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM %I', r);
    END IF;
  END LOOP;
END
$$;
