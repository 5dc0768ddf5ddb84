import { Inject, Injectable } from '@nestjs/common';
import { BusinessRuleViolation, Conflict, DetailCode, NotFound, ValidationFailed } from '../common/errors.js';
import { type Page, pageOf, type PageQuery } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import type { WebhookAttempt } from '../generated/prisma/client.js';
import type { DeliveryStatus, WebhookAttemptOutput, WebhookDeliveryOutput } from './dto/delivery.output.js';
import type { ListDeliveriesQuery } from './dto/list-deliveries.query.js';
import type { CreateWebhookInput, RotateWebhookSecretInput, UpdateWebhookInput } from './dto/webhook.input.js';
import type { DisabledReason, WebhookOutput, WebhookWithSecretOutput } from './dto/webhook.output.js';
import { type DeliveryRow, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { TEST_EVENT_TYPE } from './webhook-events.js';
import { WebhookJobs } from './webhook-jobs.js';
import { testPayload } from './webhook-payload.js';
import { newWebhookSecret } from './webhook-signing.js';
import { urlRefusal } from './webhook-targets.js';
import { type WebhookRow, WebhooksRepository } from './webhooks.repository.js';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

const toOutput = (w: WebhookRow): WebhookOutput => ({
  id: w.id,
  url: w.url,
  events: w.events,
  description: w.description,
  enabled: w.enabled,
  disabledReason: w.disabledReason as DisabledReason | null,
  disabledAt: iso(w.disabledAt),
  consecutiveFailures: w.consecutiveFailures,
  previousSecretExpiresAt: w.previousExpiresAt && w.previousExpiresAt > new Date() ? iso(w.previousExpiresAt) : null,
  createdById: w.createdById,
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

/** The log keeps every attempt; a response shows the latest ones. */
const ATTEMPTS_SHOWN = 50;

type AttemptRow = Omit<WebhookAttempt, 'organizationId'>;

const toAttempt = (a: AttemptRow): WebhookAttemptOutput => ({
  attempt: a.attempt,
  startedAt: a.startedAt.toISOString(),
  durationMs: a.durationMs,
  statusCode: a.statusCode,
  error: a.error,
  responseBody: a.responseBody,
});

function toDelivery(d: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryOutput {
  const last = attempts.at(-1);
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventSeq?.toString() ?? null,
    eventType: d.eventType,
    status: d.status as DeliveryStatus,
    attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    responseStatusCode: last?.statusCode ?? null,
    durationMs: last?.durationMs ?? null,
    responseBody: last?.responseBody ?? null,
    error: last?.error ?? null,
    deliveredAt: iso(d.deliveredAt),
    createdAt: d.createdAt.toISOString(),
    attemptLog: attempts.slice(-ATTEMPTS_SHOWN).map(toAttempt),
  };
}

/** Webhook endpoints and their delivery logs, for the organization's ADMINs (webhooks.controller.ts). */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly db: TenantDb,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly jobs: WebhookJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  create(input: CreateWebhookInput): Promise<WebhookWithSecretOutput> {
    this.checkUrl(input.url);
    const secret = newWebhookSecret();
    return this.db.run(async () => {
      const row = await this.webhooks.create({
        url: input.url,
        events: input.events,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        secret,
      });
      await this.webhooks.startCursor();
      return { ...toOutput(row), secret };
    });
  }

  list(query: PageQuery): Promise<Page<WebhookOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.webhooks.list(query);
      return pageOf(rows.map(toOutput), total, query);
    });
  }

  get(id: string): Promise<WebhookOutput> {
    return this.db.run(async () => toOutput(await this.existing(id)));
  }

  update(id: string, input: UpdateWebhookInput): Promise<WebhookOutput> {
    if (input.url !== undefined) this.checkUrl(input.url);
    return this.db.run(async () => {
      const current = await this.existing(id);
      const enabling = input.enabled === true && !current.enabled;
      const row = await this.webhooks.update(id, {
        url: input.url,
        events: input.events,
        description: input.description,
        enabled: input.enabled,
        // Enabled again: a fresh start, without the backlog of its downtime.
        ...(enabling && { activeSince: new Date(), consecutiveFailures: 0 }),
        ...(input.enabled !== undefined && { disabledReason: null, disabledAt: null }),
      });
      if (!row) throw new NotFound('Webhook');
      if (enabling) await this.webhooks.startCursor();
      return toOutput(row);
    });
  }

  /** Deletes the webhook with its delivery log; a delivery in flight still completes, unrecorded. */
  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      if (!(await this.webhooks.delete(id))) throw new NotFound('Webhook');
    });
  }

  /** A new secret; the current one keeps signing beside it for gracePeriodSeconds (0: stops now). */
  rotateSecret(id: string, input: RotateWebhookSecretInput): Promise<WebhookWithSecretOutput> {
    const secret = newWebhookSecret();
    const grace = input.gracePeriodSeconds ?? 0;
    return this.db.run(async () => {
      const current = await this.existing(id);
      const previousUntil = grace > 0 ? new Date(Date.now() + grace * 1000) : null;
      if (!(await this.webhooks.rotate(id, secret, previousUntil, current.updatedAt))) {
        throw new Conflict('The webhook changed meanwhile (another rotation?); read it and try again');
      }
      return { ...toOutput(await this.existing(id)), secret };
    });
  }

  deliveryLog(id: string, query: ListDeliveriesQuery): Promise<Page<WebhookDeliveryOutput>> {
    return this.db.run(async () => {
      await this.existing(id);
      const [rows, total] = await this.deliveries.page(id, query);
      return pageOf(await this.withAttempts(rows), total, query);
    });
  }

  /** Sends a delivery again now, with the same webhook-id (receivers drop what they already have). */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDeliveryOutput> {
    const { orgId, row, attempts } = await this.db.run(async () => {
      const webhook = await this.existing(id);
      if (!webhook.enabled) throw new BusinessRuleViolation('The webhook is disabled: enable it first');
      if (!(await this.deliveries.find(id, deliveryId))) throw new NotFound('Delivery');
      const due = await this.deliveries.redeliver(id, deliveryId);
      if (!due) throw new Conflict('An attempt of this delivery is under way; try again when it has finished');
      return { orgId: this.db.orgId, row: due, attempts: await this.deliveries.attempts([due.id]) };
    });
    await this.jobs.deliver(orgId, [{ id: row.id, attempts: row.attempts }]);
    return toDelivery(row, attempts);
  }

  /** Sends a `webhook.test` ping once (no retries), whatever the webhook subscribes to. */
  async test(id: string): Promise<WebhookDeliveryOutput> {
    const { orgId, row } = await this.db.run(async () => {
      await this.existing(id);
      const ping = await this.deliveries.insertPing(id, TEST_EVENT_TYPE, testPayload(this.db.orgId, id));
      return { orgId: this.db.orgId, row: ping };
    });
    await this.jobs.deliver(orgId, [{ id: row.id, attempts: row.attempts }]);
    return toDelivery(row, []);
  }

  private async withAttempts(rows: DeliveryRow[]): Promise<WebhookDeliveryOutput[]> {
    const attempts = await this.deliveries.attempts(rows.map((r) => r.id));
    const byDelivery = new Map<string, AttemptRow[]>();
    for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
    return rows.map((r) => toDelivery(r, byDelivery.get(r.id) ?? []));
  }

  private async existing(id: string): Promise<WebhookRow> {
    const row = await this.webhooks.find(id);
    if (!row) throw new NotFound('Webhook');
    return row;
  }

  /** The SSRF guard's half at save time (the other half runs on every delivery). */
  private checkUrl(url: string): void {
    const problem = urlRefusal(url, this.config.webhooks.allowPrivateTargets);
    if (problem) throw new ValidationFailed([{ field: 'url', message: problem, code: DetailCode.NotAllowed }]);
  }
}
