-- GET /v1/analytics/overview (issue 18, src/analytics/overview.repository.ts): indexes its scans
-- read from. Each leads with organization_id, which RLS's condition (organization_id = (SELECT
-- app.current_org_id())) binds as an index condition for crm_app;
-- test/analytics-query-plans.e2e.spec.ts checks the plans, docs/performance.md has the figures.

-- The leads created in the two periods, from the index alone. Migration 20261206170000's index
-- lacked created_by_id, which the AGENT policy (leads_agent_scope) reads for every role (whether
-- the caller is an AGENT is known only when the plan runs), so each of the ≈ 1,200 leads an
-- organization creates in 180 days cost a heap visit: 208 pages per organization, 14 ms on
-- average with 200 organizations' leads beyond shared_buffers (3 ms when cached). Same name and
-- key, one more included column, so every plan that used it for a period still does.
-- `created_at IS NOT NULL` (always true) keeps it to scans of a period: a created_at bound implies
-- it, a whole-organization scan (the lead list's total) cannot use it and keeps
-- leads_org_live_created_idx, whose key also orders the list.
DROP INDEX leads_org_live_created_response_idx;
CREATE INDEX leads_org_live_created_response_idx ON leads (organization_id, created_at)
  INCLUDE (assigned_to_id, created_by_id, status, first_response_at, source, campaign_id)
  WHERE deleted_at IS NULL AND created_at IS NOT NULL;

-- The pipeline (open deals now) and the deals won in the current and previous periods: two
-- ranges of one index (status = 'ACTIVE'; status = 'WON' and the close date), instead of every
-- deal the organization ever had. The INCLUDEd columns are the figures' and the AGENT policy's
-- (deals_agent_scope reads assigned_to_id and created_by_id), so visible pages are read from
-- the index alone.
CREATE INDEX deals_org_open_won_idx ON deals (organization_id, status, actual_close_date)
  INCLUDE (stage, value, probability, created_at, assigned_to_id, created_by_id)
  WHERE deleted_at IS NULL AND status IN ('ACTIVE', 'WON');

-- Price changes in a period: listing_price_history_listing_idx leads with the listing, so a
-- period's changes would otherwise be every change of the organization's listings. A listing's
-- first price (old_price null) is not a change and is left out of the index.
CREATE INDEX listing_price_history_org_changed_idx ON listing_price_history (organization_id, changed_at)
  INCLUDE (listing_id)
  WHERE old_price IS NOT NULL;
