-- Duplicate detection for leads (issue 4).
--
-- A lead is a likely duplicate of another live lead of the same organization when
-- their normalized email (trimmed, lower-case) or phone (digits only) are equal;
-- GET /v1/leads/{id}/duplicates also reports the same lower-cased name. These
-- expression indexes let those lookups avoid scanning the organization's leads.
-- The application queries the very same expressions, so the planner can use them.
-- Soft-deleted leads never count as duplicates, hence the partial predicates.
--
-- No new table, column, policy or grant: leads keeps its RLS (tenant + AGENT scope),
-- so a lookup only ever finds leads the caller may see.

CREATE INDEX leads_org_email_norm_idx ON leads (organization_id, lower(btrim(email)))
  WHERE deleted_at IS NULL AND email IS NOT NULL;

-- '[^0-9]' rather than '\D': the same literal is written in application code, and it
-- survives every layer of string escaping unchanged.
CREATE INDEX leads_org_phone_digits_idx ON leads (organization_id, regexp_replace(phone, '[^0-9]', '', 'g'))
  WHERE deleted_at IS NULL AND phone IS NOT NULL;

CREATE INDEX leads_org_name_norm_idx ON leads (organization_id, lower(btrim(name)))
  WHERE deleted_at IS NULL;
