-- Data sources and import jobs (issue 17, part 3). See docs/imports.md.
--
-- An import job reads rows (an uploaded CSV, a JSON API, an MLS feed) and writes leads,
-- contacts or listings in batches: each batch, its counters and the job's checkpoint (the
-- last row committed) commit in ONE transaction, so a job resumed after a crash starts after
-- the checkpoint and never writes a row twice.
--
-- A data source's credentials (an auth header, an OAuth2 client secret, a webhook signing
-- secret) are encrypted by the API with AES-256-GCM under DATA_SOURCE_ENCRYPTION_KEY before
-- they reach the database: the column holds iv | tag | ciphertext, never the secret, and the
-- API never returns it (only the last four characters, credentials_hint).

------------------------------------------------------------------------------
-- data_sources
------------------------------------------------------------------------------

CREATE TABLE data_sources (
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name             text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  type             text NOT NULL CHECK (type IN ('CSV', 'JSON_API', 'RESO_WEB_API', 'WEBHOOK')),
  -- What its rows become.
  target           text NOT NULL DEFAULT 'leads' CHECK (target IN ('leads', 'contacts', 'listings')),
  -- The type's settings that are not secret (URL, field mapping, pagination, token URL, client id).
  settings         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
  -- AES-256-GCM: 12-byte iv | 16-byte tag | ciphertext of the JSON credentials (see the top).
  credentials      bytea CHECK (octet_length(credentials) BETWEEN 29 AND 16384),
  -- The last four characters of the main secret, to tell keys apart in a UI.
  credentials_hint text CHECK (length(credentials_hint) <= 4),
  -- Metrics, updated when an import of this source completes.
  last_run_at      timestamptz(3),
  rows_imported    bigint NOT NULL DEFAULT 0 CHECK (rows_imported >= 0),
  failures         bigint NOT NULL DEFAULT 0 CHECK (failures >= 0),
  -- RESO incremental sync: the greatest ModificationTimestamp imported so far.
  last_sync_at     timestamptz(3),
  created_by_id    uuid REFERENCES profiles (id) ON DELETE SET NULL,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id)
);
CREATE INDEX data_sources_org_created_idx ON data_sources (organization_id, created_at DESC, id DESC);

ALTER TABLE data_sources ENABLE ROW LEVEL SECURITY;
ALTER TABLE data_sources FORCE ROW LEVEL SECURITY;
-- The organization's ADMINs and MANAGERs; AGENTs and VIEWERs see no source.
CREATE POLICY data_sources_managers ON data_sources FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id())
         AND (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'))
  WITH CHECK (organization_id = (SELECT app.current_org_id())
              AND (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'));
GRANT SELECT, INSERT, UPDATE, DELETE ON data_sources TO crm_app;
-- For app.inbound_data_source below when its owner is subject to RLS (not a superuser).
CREATE POLICY data_sources_owner_all ON data_sources FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

-- History of a source's settings; never its credentials, and not its metrics.
SELECT app.audit_attach('data_sources'::regclass, 'organization_id', 'id',
                        '{credentials,last_run_at,rows_imported,failures,last_sync_at}');

------------------------------------------------------------------------------
-- import_jobs
------------------------------------------------------------------------------

CREATE TABLE import_jobs (
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  -- Null for an uploaded CSV.
  data_source_id   uuid,
  target           text NOT NULL CHECK (target IN ('leads', 'contacts', 'listings')),
  -- pending → running → completed | failed | cancelled, and running ⇄ paused (docs/imports.md).
  status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'paused', 'completed', 'failed', 'cancelled')),
  -- {sourceField: targetField}
  mapping          jsonb NOT NULL CHECK (jsonb_typeof(mapping) = 'object'),
  duplicate_policy text NOT NULL CHECK (duplicate_policy IN ('skip', 'update', 'create')),
  -- The uploaded file in the storage driver (CSV imports).
  file_path        text CHECK (length(file_path) <= 1024),
  file_name        text CHECK (length(file_name) <= 255),
  rows_read        integer NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
  rows_created     integer NOT NULL DEFAULT 0 CHECK (rows_created >= 0),
  rows_updated     integer NOT NULL DEFAULT 0 CHECK (rows_updated >= 0),
  rows_skipped     integer NOT NULL DEFAULT 0 CHECK (rows_skipped >= 0),
  rows_failed      integer NOT NULL DEFAULT 0 CHECK (rows_failed >= 0),
  -- The last row committed (its number in the source); a resumed job starts after it.
  checkpoint_row   integer NOT NULL DEFAULT 0 CHECK (checkpoint_row >= 0),
  -- API sources: where the next page starts (a next link); null at the start.
  cursor           text CHECK (length(cursor) <= 4096),
  error            text CHECK (length(error) <= 1000),
  created_by_id    uuid REFERENCES profiles (id) ON DELETE SET NULL,
  started_at       timestamptz(3),
  finished_at      timestamptz(3),
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  FOREIGN KEY (organization_id, data_source_id)
    REFERENCES data_sources (organization_id, id) ON DELETE SET NULL (data_source_id)
);
CREATE INDEX import_jobs_org_created_idx ON import_jobs (organization_id, created_at DESC, id DESC);
CREATE TRIGGER import_jobs_touch BEFORE UPDATE ON import_jobs
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE import_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY import_jobs_managers ON import_jobs FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id())
         AND (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'))
  WITH CHECK (organization_id = (SELECT app.current_org_id())
              AND (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'));
GRANT SELECT, INSERT, UPDATE ON import_jobs TO crm_app;

-- import.started|progress|paused|completed|failed|cancelled: the service names each change
-- with app.change_reason (app.emit_event takes the verb from it). Creation is not news.
SELECT app.events_attach('import_jobs'::regclass, 'import', 'organization_id', 'id', 'UPDATE');

------------------------------------------------------------------------------
-- import_logs and import_errors: appended by the job, read by the API
------------------------------------------------------------------------------

CREATE TABLE import_logs (
  id              bigint GENERATED ALWAYS AS IDENTITY,
  organization_id uuid NOT NULL,
  job_id          uuid NOT NULL,
  level           text NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
  message         text NOT NULL CHECK (length(message) BETWEEN 1 AND 2000),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  FOREIGN KEY (organization_id, job_id) REFERENCES import_jobs (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX import_logs_job_idx ON import_logs (organization_id, job_id, id);

ALTER TABLE import_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_logs FORCE ROW LEVEL SECURITY;
CREATE POLICY import_logs_managers ON import_logs FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id())
         AND (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'))
  WITH CHECK (organization_id = (SELECT app.current_org_id())
              AND (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'));
GRANT SELECT, INSERT ON import_logs TO crm_app;

CREATE TABLE import_errors (
  id              bigint GENERATED ALWAYS AS IDENTITY,
  organization_id uuid NOT NULL,
  job_id          uuid NOT NULL,
  -- The row's number in the source (a CSV's header is row 1).
  row_number      integer NOT NULL CHECK (row_number >= 1),
  field           text CHECK (length(field) <= 200),
  message         text NOT NULL CHECK (length(message) BETWEEN 1 AND 1000),
  PRIMARY KEY (id),
  FOREIGN KEY (organization_id, job_id) REFERENCES import_jobs (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX import_errors_job_idx ON import_errors (organization_id, job_id, row_number, id);

ALTER TABLE import_errors ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_errors FORCE ROW LEVEL SECURITY;
CREATE POLICY import_errors_managers ON import_errors FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id())
         AND (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'))
  WITH CHECK (organization_id = (SELECT app.current_org_id())
              AND (SELECT app.current_member_role()) IN ('ADMIN', 'MANAGER'));
GRANT SELECT, INSERT ON import_errors TO crm_app;

------------------------------------------------------------------------------
-- Inbound webhooks: a portal posts to /v1/inbound/{sourceId} with no user
------------------------------------------------------------------------------

-- The organization and encrypted signing secret of a WEBHOOK source, for the inbound route
-- (no tenant yet: the signature, checked by the API with the decrypted secret, is what
-- admits the request). Only for a unit of work with no user and no organization.
CREATE FUNCTION app.inbound_data_source(p_source uuid)
  RETURNS TABLE (organization_id uuid, target text, settings jsonb, credentials bytea)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
  SELECT s.organization_id, s.target, s.settings, s.credentials
    FROM public.data_sources s
   WHERE s.id = p_source AND s.type = 'WEBHOOK'
     AND app.current_user_id() IS NULL AND app.current_org_id() IS NULL
$$;
REVOKE ALL ON FUNCTION app.inbound_data_source(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.inbound_data_source(uuid) TO crm_app;
