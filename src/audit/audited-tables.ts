/**
 * The tables the audit trigger is attached to, in the order migration 20261206020000 lists
 * them (test/audit.e2e.spec.ts checks the database agrees): the values of `table` in the
 * history and of the `table` filter.
 */
export const AUDITED_TABLES = [
  'organizations',
  'memberships',
  'leads',
  'contacts',
  'listings',
  'deals',
  'activities',
  'appointments',
  'appointment_attendees',
  'tickets',
  'ticket_assignees',
  'ticket_comments',
  'ticket_attachments',
  'ticket_share_links',
  'api_keys',
  'webhooks',
  'campaigns',
  'lead_scoring_settings',
  'capture_keys',
  'lead_routing',
  'data_sources',
  'organization_exports',
  'products',
  'acquisition_stages',
  // Migration 20261206240000_invitations (the token hash excluded).
  'invitations',
] as const;
export type AuditedTable = (typeof AUDITED_TABLES)[number];

/** The records with a history of their own, GET /v1/{table}/{id}/audit, and what a 404 calls each. */
export const RECORD_NAMES = {
  leads: 'Lead',
  contacts: 'Contact',
  deals: 'Deal',
  listings: 'Listing',
  tickets: 'Ticket',
} as const satisfies Partial<Record<AuditedTable, string>>;
export type RecordTable = keyof typeof RECORD_NAMES;
