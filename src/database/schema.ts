import type { Decimal, JsonValue } from '@prisma/client/runtime/client';
import type { ColumnType } from 'kysely';
import type {
  Activity,
  ActivityDigest,
  AcquisitionStage,
  ApiKey,
  Appointment,
  AppointmentAttendee,
  AppointmentReminder,
  AuditLog,
  AuthCredential,
  AuthSession,
  Campaign,
  CaptureKey,
  Contact,
  DataSource,
  Deal,
  DealStageHistory,
  Event,
  EventCounter,
  EventStreamToken,
  EmailOutbox,
  EmailVerification,
  IdempotencyKey,
  ImportError,
  ImportJob,
  ImportLog,
  Lead,
  LeadRouting,
  LeadScoringSettings,
  LeadRoutingAgent,
  Listing,
  ListingExpirationAlert,
  ListingPriceHistory,
  ListingStatusHistory,
  Membership,
  Notification,
  NotificationPreference,
  Organization,
  OrganizationExport,
  Prisma,
  Product,
  Profile,
  Ticket,
  TicketAssignee,
  TicketAttachment,
  TicketComment,
  TicketCounter,
  TicketShareLink,
  Invitation,
  PasswordReset,
  RefreshToken,
  TicketStatusHistory,
  Webhook,
  WebhookAttempt,
  WebhookCursor,
  WebhookDelivery,
} from '../generated/prisma/client.js';

/** The keys of a Prisma create input that may be left out (a default or the database fills them). */
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/**
 * What a column takes when written: decimals also as their exact text (as Prisma accepts
 * them), JSON columns any JSON-able value (an input DTO's Record<string, unknown>).
 */
type Writable<T> = [JsonValue] extends [T]
  ? T | Record<string, unknown> | readonly unknown[]
  : T extends Decimal
    ? Decimal | string
    : T;

/**
 * A table as the SQL layer sees it, derived from its Prisma model (so a column renamed in
 * schema.prisma is a compile error in every query that names it): the model's fields and
 * types — columns are named as the model names them, and the layer's compiler writes
 * them in the snake_case the migrations use (sql.ts) — and a column the create input may omit is
 * optional on insert.
 */
export type Table<Model, CreateInput> = {
  [K in keyof Model]: K extends OptionalKeys<CreateInput>
    ? ColumnType<Model[K], Writable<Model[K]> | undefined, Writable<Model[K]>>
    : ColumnType<Model[K], Writable<Model[K]>, Writable<Model[K]>>;
};

/**
 * The security_invoker views of migration 20261123040000, which are not Prisma models: a
 * ticket's own columns (typed from its model) and what the view computes.
 */
export interface TicketSummaryView extends Pick<
  Ticket,
  | 'id'
  | 'organizationId'
  | 'number'
  | 'title'
  | 'status'
  | 'priority'
  | 'category'
  | 'contactId'
  | 'listingId'
  | 'createdById'
  | 'createdAt'
  | 'dueAt'
  | 'firstResponseAt'
  | 'resolvedAt'
  | 'closedAt'
> {
  isOpen: boolean;
  isOverdue: boolean | null;
  firstResponseSeconds: number | null;
  resolutionSeconds: number | null;
  commentCount: number;
  attachmentCount: number;
  assigneeCount: number;
}

/** One row per member and assigned ticket (members without tickets too, with nulls). */
export interface UserWorkloadView
  extends Pick<Membership, 'organizationId' | 'userId' | 'role'>, Pick<Profile, 'fullName' | 'email'> {
  ticketId: string | null;
  status: Ticket['status'] | null;
  priority: Ticket['priority'] | null;
  isOpen: boolean | null;
  isOverdue: boolean | null;
  resolvedAt: Date | null;
}

/** Every table of schema.prisma, by its SQL name, and the views the SQL layer reads. */
export interface DB {
  profiles: Table<Profile, Prisma.ProfileUncheckedCreateInput>;
  auth_credentials: Table<AuthCredential, Prisma.AuthCredentialUncheckedCreateInput>;
  organizations: Table<Organization, Prisma.OrganizationUncheckedCreateInput>;
  memberships: Table<Membership, Prisma.MembershipUncheckedCreateInput>;
  leads: Table<Lead, Prisma.LeadUncheckedCreateInput>;
  campaigns: Table<Campaign, Prisma.CampaignUncheckedCreateInput>;
  contacts: Table<Contact, Prisma.ContactUncheckedCreateInput>;
  products: Table<Product, Prisma.ProductUncheckedCreateInput>;
  acquisition_stages: Table<AcquisitionStage, Prisma.AcquisitionStageUncheckedCreateInput>;
  listings: Table<Listing, Prisma.ListingUncheckedCreateInput>;
  deals: Table<Deal, Prisma.DealUncheckedCreateInput>;
  notifications: Table<Notification, Prisma.NotificationUncheckedCreateInput>;
  activities: Table<Activity, Prisma.ActivityUncheckedCreateInput>;
  deal_stage_history: Table<DealStageHistory, Prisma.DealStageHistoryUncheckedCreateInput>;
  listing_price_history: Table<ListingPriceHistory, Prisma.ListingPriceHistoryUncheckedCreateInput>;
  listing_status_history: Table<ListingStatusHistory, Prisma.ListingStatusHistoryUncheckedCreateInput>;
  appointments: Table<Appointment, Prisma.AppointmentUncheckedCreateInput>;
  appointment_attendees: Table<AppointmentAttendee, Prisma.AppointmentAttendeeUncheckedCreateInput>;
  ticket_counters: Table<TicketCounter, Prisma.TicketCounterUncheckedCreateInput>;
  tickets: Table<Ticket, Prisma.TicketUncheckedCreateInput>;
  ticket_assignees: Table<TicketAssignee, Prisma.TicketAssigneeUncheckedCreateInput>;
  ticket_status_history: Table<TicketStatusHistory, Prisma.TicketStatusHistoryUncheckedCreateInput>;
  ticket_comments: Table<TicketComment, Prisma.TicketCommentUncheckedCreateInput>;
  ticket_attachments: Table<TicketAttachment, Prisma.TicketAttachmentUncheckedCreateInput>;
  ticket_share_links: Table<TicketShareLink, Prisma.TicketShareLinkUncheckedCreateInput>;
  idempotency_keys: Table<IdempotencyKey, Prisma.IdempotencyKeyUncheckedCreateInput>;
  api_keys: Table<ApiKey, Prisma.ApiKeyUncheckedCreateInput>;
  audit_log: Table<AuditLog, Prisma.AuditLogUncheckedCreateInput>;
  events: Table<Event, Prisma.EventUncheckedCreateInput>;
  event_counters: Table<EventCounter, Prisma.EventCounterUncheckedCreateInput>;
  event_stream_tokens: Table<EventStreamToken, Prisma.EventStreamTokenUncheckedCreateInput>;
  webhooks: Table<Webhook, Prisma.WebhookUncheckedCreateInput>;
  webhook_deliveries: Table<WebhookDelivery, Prisma.WebhookDeliveryUncheckedCreateInput>;
  webhook_attempts: Table<WebhookAttempt, Prisma.WebhookAttemptUncheckedCreateInput>;
  webhook_cursors: Table<WebhookCursor, Prisma.WebhookCursorUncheckedCreateInput>;
  email_outbox: Table<EmailOutbox, Prisma.EmailOutboxUncheckedCreateInput>;
  email_verifications: Table<EmailVerification, Prisma.EmailVerificationUncheckedCreateInput>;
  invitations: Table<Invitation, Prisma.InvitationUncheckedCreateInput>;
  auth_sessions: Table<AuthSession, Prisma.AuthSessionUncheckedCreateInput>;
  refresh_tokens: Table<RefreshToken, Prisma.RefreshTokenUncheckedCreateInput>;
  password_resets: Table<PasswordReset, Prisma.PasswordResetUncheckedCreateInput>;
  notification_preferences: Table<NotificationPreference, Prisma.NotificationPreferenceUncheckedCreateInput>;
  appointment_reminders: Table<AppointmentReminder, Prisma.AppointmentReminderUncheckedCreateInput>;
  listing_expiration_alerts: Table<ListingExpirationAlert, Prisma.ListingExpirationAlertUncheckedCreateInput>;
  activity_digests: Table<ActivityDigest, Prisma.ActivityDigestUncheckedCreateInput>;
  capture_keys: Table<CaptureKey, Prisma.CaptureKeyUncheckedCreateInput>;
  lead_scoring_settings: Table<LeadScoringSettings, Prisma.LeadScoringSettingsUncheckedCreateInput>;
  lead_routing: Table<LeadRouting, Prisma.LeadRoutingUncheckedCreateInput>;
  lead_routing_agents: Table<LeadRoutingAgent, Prisma.LeadRoutingAgentUncheckedCreateInput>;
  organization_exports: Table<OrganizationExport, Prisma.OrganizationExportUncheckedCreateInput>;
  data_sources: Table<DataSource, Prisma.DataSourceUncheckedCreateInput>;
  import_jobs: Table<ImportJob, Prisma.ImportJobUncheckedCreateInput>;
  import_logs: Table<ImportLog, Prisma.ImportLogUncheckedCreateInput>;
  import_errors: Table<ImportError, Prisma.ImportErrorUncheckedCreateInput>;
  ticket_summary: TicketSummaryView;
  user_workload: UserWorkloadView;
}
