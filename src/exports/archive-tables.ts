import { columnsOf } from '../database/columns.js';
import type { DB } from '../database/schema.js';
import { Prisma } from '../generated/prisma/client.js';

/** One NDJSON file of an organization archive: a table, and the columns it keeps. */
export interface ArchiveTable {
  file: string;
  table: keyof DB;
  columns: readonly string[];
  /** The order rows are written in: `id`, unless the table has none. */
  orderBy?: string;
}

// organization_id is the same on every row (it is in manifest.json); the database's
// generated lookup keys (match keys, search keys) are derived from columns that are kept.
export const ARCHIVE_TABLES: readonly ArchiveTable[] = [
  {
    file: 'leads.ndjson',
    table: 'leads',
    columns: columnsOf(Prisma.LeadScalarFieldEnum, ['organizationId', 'emailKey', 'phoneKey', 'nameKey']),
  },
  { file: 'contacts.ndjson', table: 'contacts', columns: columnsOf(Prisma.ContactScalarFieldEnum, ['organizationId']) },
  { file: 'deals.ndjson', table: 'deals', columns: columnsOf(Prisma.DealScalarFieldEnum, ['organizationId']) },
  {
    file: 'listings.ndjson',
    table: 'listings',
    columns: columnsOf(Prisma.ListingScalarFieldEnum, ['organizationId', 'priceCents', 'cityKey', 'stateKey']),
  },
  {
    file: 'activities.ndjson',
    table: 'activities',
    columns: columnsOf(Prisma.ActivityScalarFieldEnum, ['organizationId', 'occurredAt']),
  },
  {
    file: 'appointments.ndjson',
    table: 'appointments',
    columns: columnsOf(Prisma.AppointmentScalarFieldEnum, ['organizationId']),
  },
  { file: 'tickets.ndjson', table: 'tickets', columns: columnsOf(Prisma.TicketScalarFieldEnum, ['organizationId']) },
  {
    file: 'ticket-comments.ndjson',
    table: 'ticket_comments',
    columns: columnsOf(Prisma.TicketCommentScalarFieldEnum, ['organizationId']),
  },
  {
    file: 'campaigns.ndjson',
    table: 'campaigns',
    columns: columnsOf(Prisma.CampaignScalarFieldEnum, ['organizationId']),
  },
  // What contacts' productId and acquisitionStageId name.
  { file: 'products.ndjson', table: 'products', columns: columnsOf(Prisma.ProductScalarFieldEnum, ['organizationId']) },
  {
    file: 'acquisition-stages.ndjson',
    table: 'acquisition_stages',
    columns: columnsOf(Prisma.AcquisitionStageScalarFieldEnum, ['organizationId']),
  },
  // The organization's lead-generation settings: the scoring weights and the routing rule.
  {
    file: 'lead-scoring-settings.ndjson',
    table: 'lead_scoring_settings',
    columns: columnsOf(Prisma.LeadScoringSettingsScalarFieldEnum, ['organizationId']),
    orderBy: 'organizationId', // one row per organization
  },
  {
    file: 'lead-routing.ndjson',
    table: 'lead_routing',
    columns: columnsOf(Prisma.LeadRoutingScalarFieldEnum, ['organizationId']),
    orderBy: 'organizationId', // one row per organization
  },
  {
    file: 'lead-routing-agents.ndjson',
    table: 'lead_routing_agents',
    columns: columnsOf(Prisma.LeadRoutingAgentScalarFieldEnum, ['organizationId']),
    orderBy: 'userId',
  },
];

/** What an archive leaves out, and why: written into its manifest.json. */
export const ARCHIVE_OMISSIONS: readonly string[] = [
  'Secrets and credentials: API keys, webhook signing secrets, capture keys, data source credentials, ticket share-link tokens.',
  'Authentication: profiles, password hashes, sessions, event stream tokens; members appear only as user ids.',
  'Files: ticket attachment bytes and their metadata (download them through the API).',
  'Operational records: audit log, events outbox, webhook deliveries, notifications, emails, jobs, idempotency keys.',
  'History and join tables: deal stage, listing price and status, ticket status history; ticket assignees; appointment attendees.',
  'Columns the database derives from kept ones (lead match keys, listing search keys and price in cents, activity occurredAt), and organizationId (in this manifest).',
];
