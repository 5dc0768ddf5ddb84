import { Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import type Stripe from 'stripe';
import { TenantDb } from '../database/tenant-db.js';
import { type Job, JobQueue } from '../jobs/job-queue.js';
import { BillingRepository } from './billing.repository.js';
import { SEAT_SYNC_JOB, type SeatSyncJob } from './seat-sync.jobs.js';
import { STRIPE } from './stripe.client.js';

/** Subscription statuses Stripe still bills, so their quantity follows the members (docs/billing.md). */
export const SEAT_SYNC_STATUSES: ReadonlySet<string> = new Set(['active', 'trialing', 'past_due']);
/** Counts taken in one job before it gives up to a retry (members changing while it runs). */
const ROUNDS = 3;

/**
 * The seat-sync job: sets the subscription item's quantity to the organization's member count
 * as it is when the job runs, so a duplicate or a late job sets the same absolute number. The
 * database is read in short units of work, never held open across the Stripe calls.
 */
@Injectable()
export class SeatSyncWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(SeatSyncWorker.name);

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe | null,
    private readonly db: TenantDb,
    private readonly billing: BillingRepository,
    @Optional() @Inject(JobQueue) private readonly jobs?: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs?.work<SeatSyncJob>(SEAT_SYNC_JOB, (job) => this.run(job));
  }

  /** Throws when Stripe fails (the job's retry) or the members kept changing. */
  async run({ data: { organizationId } }: Pick<Job<SeatSyncJob>, 'data'>): Promise<void> {
    const stripe = this.stripe;
    if (!stripe) return; // billing was switched off after the job was sent
    const inOrg = <T>(fn: () => Promise<T>) => this.db.runTrusted({ orgId: organizationId, role: 'ADMIN' }, fn);
    for (let round = 0; round < ROUNDS; round++) {
      const { row, members } = await inOrg(async () => ({
        row: await this.billing.find(),
        members: await this.billing.memberCount(),
      }));
      if (!row?.stripeSubscriptionId || !SEAT_SYNC_STATUSES.has(row.status)) return;
      const quantity = Math.max(members, 1);
      await this.setQuantity(stripe, row.stripeSubscriptionId, quantity);
      const after = await inOrg(async () => {
        await this.billing.saveSyncedSeats(quantity);
        return this.billing.memberCount();
      });
      if (Math.max(after, 1) === quantity) return;
    }
    throw new Error(`Members of ${organizationId} kept changing during the seat sync; retrying`);
  }

  /** Updates the subscription's (first) item unless Stripe has this quantity already. */
  private async setQuantity(stripe: Stripe, subscriptionId: string, quantity: number): Promise<void> {
    const subscription = await stripe.subscriptions.retrieve(subscriptionId);
    const item = subscription.items.data[0] as Stripe.SubscriptionItem | undefined;
    if (!item) {
      this.logger.warn(`Subscription ${subscriptionId} has no item: no seats to sync`);
      return;
    }
    if (item.quantity === quantity) return;
    await stripe.subscriptionItems.update(item.id, { quantity, proration_behavior: 'create_prorations' });
    this.logger.log(`Subscription ${subscriptionId}: seats ${item.quantity ?? '?'} → ${quantity}`);
  }
}
