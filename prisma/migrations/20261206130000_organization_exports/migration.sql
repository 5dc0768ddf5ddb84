-- Exports (issue 17, part 5): an organization's archive, the brokerage's backup and exit door.
-- See docs/exports.md.
--
-- POST /v1/exports/organization records a request here (pending); a job (src/exports) reads
-- every exported table in one read-only snapshot as the organization's ADMIN, writes a
-- .tar.gz of NDJSON files through the storage driver, and records the outcome. The row is
-- the ADMINs' to read: the archive holds every record of the organization, so who asked for
-- one, and when, is audited too.

CREATE TABLE organization_exports (
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  created_by_id   uuid REFERENCES profiles (id) ON DELETE SET NULL,
  -- The archive's storage key (exports/{organization}/{id}.tar.gz); never shown, only signed.
  file_key        text CHECK (length(file_key) BETWEEN 1 AND 500),
  -- The archive's size, and the rows written per file ({"leads.ndjson": 120, …}).
  size_bytes      bigint CHECK (size_bytes >= 0),
  row_counts      jsonb,
  -- Why it failed: a message only (no stack, no credentials), as job_failures keeps it.
  error           text CHECK (length(error) <= 1000),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  started_at      timestamptz(3),
  completed_at    timestamptz(3),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (id),
  UNIQUE (organization_id, id),
  CONSTRAINT organization_exports_completed CHECK (status <> 'completed' OR (file_key IS NOT NULL AND size_bytes IS NOT NULL))
);
CREATE INDEX organization_exports_org_created_idx ON organization_exports (organization_id, created_at DESC, id DESC);
CREATE TRIGGER organization_exports_touch BEFORE UPDATE ON organization_exports
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

ALTER TABLE organization_exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE organization_exports FORCE ROW LEVEL SECURITY;
-- The organization's ADMINs only: signed in, or the export job acting as ADMIN for it.
CREATE POLICY organization_exports_admin ON organization_exports FOR ALL TO crm_app
  USING (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN')
  WITH CHECK (organization_id = (SELECT app.current_org_id()) AND (SELECT app.current_member_role()) = 'ADMIN');
GRANT SELECT, INSERT ON organization_exports TO crm_app;
GRANT UPDATE (status, file_key, size_bytes, row_counts, error, started_at, completed_at, updated_at)
  ON organization_exports TO crm_app;

SELECT app.audit_attach('organization_exports'::regclass, 'organization_id', 'id', '{}');
