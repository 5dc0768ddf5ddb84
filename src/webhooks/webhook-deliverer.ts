import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type WebhooksConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { MembersService } from '../members/members.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { DisabledReason } from './dto/webhook.output.js';
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  WebhookDeliveriesRepository,
} from './webhook-deliveries.repository.js';
import { WebhookJobs } from './webhook-jobs.js';
import { type SendResult, WebhookSender } from './webhook-sender.js';
import { signDelivery } from './webhook-signing.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** An attempt holds its delivery this much longer than the request may take. */
const LEASE_MARGIN_SECONDS = 30;

/**
 * One attempt of one delivery, run as the `webhooks.deliver` job, in three steps so that no
 * transaction stays open across the HTTP request: claim (commit), POST, record (commit).
 * 2xx delivers; anything else — another status, a timeout, a refused target — is retried on
 * the schedule of WEBHOOK_RETRY_SCHEDULE_SECONDS, then given up; 410 Gone disables the
 * webhook at once, and WEBHOOK_MAX_CONSECUTIVE_FAILURES deliveries given up in a row do
 * too. Either way the organization's ADMINs are notified.
 */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);
  private readonly config: WebhooksConfig;

  constructor(
    private readonly db: TenantDb,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly sender: WebhookSender,
    private readonly jobs: WebhookJobs,
    private readonly members: MembersService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.config = config.webhooks;
  }

  async deliver(orgId: string, deliveryId: string): Promise<void> {
    const asSystem = <T>(fn: () => Promise<T>) => this.db.runTrusted({ orgId, role: 'ADMIN' }, fn);
    const delivery = await asSystem(() => this.claim(deliveryId));
    if (!delivery) return;
    const startedAt = new Date();
    const result = await this.sender.send(
      delivery.url,
      signDelivery(delivery.secrets, delivery.id, startedAt, delivery.body),
      delivery.body,
    );
    const outcome = this.outcome(delivery, result);
    await asSystem(() => this.record(delivery, startedAt, result, outcome));
    if (outcome.status === 'PENDING') {
      await this.jobs.deliver(orgId, [{ id: delivery.id, attempts: delivery.attempts + 1 }], outcome.nextAttemptAt);
    }
  }

  private async claim(deliveryId: string): Promise<ClaimedDelivery | undefined> {
    const lease = Math.ceil(this.config.timeoutMs / 1000) + LEASE_MARGIN_SECONDS;
    const delivery = await this.deliveries.claim(deliveryId, lease);
    // A test ping goes to a disabled webhook too (to check it before enabling it); events do not.
    if (delivery && !delivery.enabled && delivery.eventSeq !== null) {
      await this.deliveries.cancel(delivery.id);
      return undefined;
    }
    return delivery;
  }

  private outcome(delivery: ClaimedDelivery, result: SendResult): AttemptOutcome {
    if (result.ok) return { status: 'DELIVERED' };
    // A test ping is tried once; 410 means the receiver is gone for good.
    if (delivery.eventSeq === null || result.statusCode === 410) return { status: 'FAILED' };
    const delay = this.config.retryScheduleSeconds[delivery.retryStep];
    if (delay === undefined) return { status: 'FAILED' };
    return { status: 'PENDING', nextAttemptAt: new Date(Date.now() + delay * 1000), retryStep: delivery.retryStep + 1 };
  }

  private async record(
    delivery: ClaimedDelivery,
    startedAt: Date,
    result: SendResult,
    outcome: AttemptOutcome,
  ): Promise<void> {
    // A test ping says nothing about the endpoint's health.
    const event = delivery.eventSeq !== null;
    await this.deliveries.finish(
      delivery,
      {
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        error: result.error,
        responseBody: result.responseBody,
      },
      outcome,
      event && outcome.status === 'DELIVERED',
    );
    if (!event || outcome.status === 'DELIVERED') return;
    if (result.statusCode === 410) {
      await this.disable(delivery.webhookId, 'GONE');
    } else if (outcome.status === 'FAILED') {
      const streak = await this.webhooks.addFailure(delivery.webhookId);
      if (streak >= this.config.maxConsecutiveFailures) await this.disable(delivery.webhookId, 'FAILURES');
    }
  }

  /** Disables the webhook and tells the organization's ADMINs, in the transaction that records why. */
  private async disable(webhookId: string, reason: DisabledReason): Promise<void> {
    const disabled = await this.webhooks.disable(webhookId, reason);
    if (!disabled) return;
    this.logger.warn(`Webhook ${webhookId} disabled: ${reason}`);
    const why =
      reason === 'GONE'
        ? 'The endpoint answered 410 Gone.'
        : `${this.config.maxConsecutiveFailures} deliveries in a row failed after every retry.`;
    const admins = await this.members.adminIds();
    await this.notifications.notify(
      ...admins.map((userId) => ({
        userId,
        type: 'WEBHOOK_DISABLED' as const,
        title: `Webhook disabled: ${disabled.url}`.slice(0, 300),
        body: `${why} Fix the endpoint, then enable the webhook again (PATCH /v1/webhooks/${webhookId}).`,
        data: { webhookId, reason },
      })),
    );
  }
}
