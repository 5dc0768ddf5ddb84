import { Injectable, Logger } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { type NewDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { subscribes } from './webhook-events.js';
import { WebhookJobs } from './webhook-jobs.js';
import { eventPayload } from './webhook-payload.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** Events one organization's dispatch reads per transaction. */
const BATCH = 500;
/** Organizations one round looks at; a dispatch runs rounds until none has news. */
const ORGS_PER_ROUND = 100;
const MAX_ROUNDS = 50;
/** A pending delivery this long past due has lost its job (see app.webhook_overdue_deliveries). */
const OVERDUE_SECONDS = 60;

/**
 * The outbox → deliveries step, run as the `webhooks.dispatch` job. For each organization
 * with news for an enabled webhook (app.webhook_dispatch_work: ids only, across
 * organizations), one transaction as that organization reads its events after the cursor,
 * writes a delivery per matching webhook and moves the cursor; the deliveries' jobs are
 * enqueued after COMMIT. Because the cursor is locked (SKIP LOCKED) and a (webhook, event)
 * pair is unique, two dispatchers at once neither double nor lose a delivery; a process
 * dying after COMMIT leaves deliveries whose jobs the overdue sweep at the end enqueues.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);

  constructor(
    private readonly db: TenantDb,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly jobs: WebhookJobs,
  ) {}

  /** Dispatches every organization's news; the number of deliveries written. */
  async run(): Promise<number> {
    let written = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const work = await this.db.runTrusted({}, () => this.deliveries.dispatchWork(ORGS_PER_ROUND));
      let progressed = false;
      for (const { organizationId, lastSeq } of work) {
        const result = await this.dispatchOrganization(organizationId, lastSeq);
        if (result === undefined) continue;
        progressed = true;
        written += result;
      }
      if (!progressed) break;
    }
    await this.requeueOverdue();
    return written;
  }

  /** One batch of one organization; undefined when another dispatcher holds its cursor. */
  private async dispatchOrganization(orgId: string, lastSeq: bigint): Promise<number | undefined> {
    const ids = await this.db.runTrusted({ orgId, role: 'ADMIN' }, async () => {
      const cursor = await this.deliveries.lockCursor();
      if (cursor === undefined) return undefined;
      const events = await this.deliveries.eventsAfter(cursor, lastSeq, BATCH);
      const hooks = await this.webhooks.subscriptions();
      const batch: NewDelivery[] = [];
      for (const event of events) {
        for (const hook of hooks) {
          if (event.createdAt >= hook.activeSince && subscribes(hook.events, event.type)) {
            batch.push({
              webhookId: hook.id,
              eventSeq: event.seq,
              eventType: event.type,
              body: eventPayload(orgId, event),
            });
          }
        }
      }
      const inserted = await this.deliveries.insert(batch);
      // A full batch stops at its last event; otherwise every event up to lastSeq was read
      // (the ones not for webhooks too), so the cursor moves past all of them.
      const last = events.at(-1);
      await this.deliveries.moveCursor(events.length === BATCH && last ? last.seq : lastSeq);
      return inserted;
    });
    if (ids === undefined) return undefined;
    await this.jobs.deliver(
      orgId,
      ids.map((id) => ({ id, attempts: 0 })),
    );
    return ids.length;
  }

  private async requeueOverdue(): Promise<void> {
    const overdue = await this.db.runTrusted({}, () => this.deliveries.overdue(OVERDUE_SECONDS, 500));
    if (!overdue.length) return;
    this.logger.warn(`Re-enqueueing ${overdue.length} overdue webhook deliveries (their jobs were lost)`);
    for (const d of overdue) await this.jobs.deliver(d.organizationId, [{ id: d.deliveryId, attempts: d.attempts }]);
  }
}
