-- Billing seat sync (issue 19, item 4): the quantity the API last set on the organization's
-- Stripe subscription from its member count, and when. See docs/billing.md.
--
-- `seats` stays what Stripe last reported in a webhook; these two are what the seat-sync job
-- (src/billing/seat-sync.worker.ts) set, so a late webhook never hides a sync and a sync never
-- rewrites what Stripe said.

ALTER TABLE organization_billing
  ADD COLUMN seats_synced    integer CHECK (seats_synced >= 0),
  ADD COLUMN seats_synced_at timestamptz(3);

-- The job runs as the organization (a trusted unit of work, RLS as for every tenant row).
GRANT UPDATE (seats_synced, seats_synced_at) ON organization_billing TO crm_app;
