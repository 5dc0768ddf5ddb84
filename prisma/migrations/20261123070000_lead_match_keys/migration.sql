-- Stored match keys for duplicate detection (issue 8 follow-up to 20261123020000).
--
-- The expression indexes of 20261123020000 (lower(btrim(email)), …) are never index
-- conditions for crm_app: under RLS only LEAKPROOF operators may be, and lower, btrim
-- and regexp_replace are not. So every create scanned the organization's live leads
-- (≈ 3 ms per lookup at 5,000 leads, docs/performance.md). Stored generated columns
-- turn the lookup into text equality, which is leakproof, so the indexes below are used.

ALTER TABLE leads
  ADD COLUMN email_key text GENERATED ALWAYS AS (lower(btrim(email))) STORED,
  ADD COLUMN phone_key text GENERATED ALWAYS AS (nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '')) STORED,
  ADD COLUMN name_key  text GENERATED ALWAYS AS (lower(btrim(name))) STORED;

DROP INDEX leads_org_email_norm_idx;
DROP INDEX leads_org_phone_digits_idx;
DROP INDEX leads_org_name_norm_idx;

CREATE INDEX leads_org_email_key_idx ON leads (organization_id, email_key)
  WHERE deleted_at IS NULL AND email_key IS NOT NULL;
CREATE INDEX leads_org_phone_key_idx ON leads (organization_id, phone_key)
  WHERE deleted_at IS NULL AND phone_key IS NOT NULL;
CREATE INDEX leads_org_name_key_idx ON leads (organization_id, name_key)
  WHERE deleted_at IS NULL;
