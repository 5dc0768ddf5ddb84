import { Inject, Injectable, Optional } from '@nestjs/common';
import type Stripe from 'stripe';
import { TenantDb } from '../database/tenant-db.js';
import { JobQueue } from '../jobs/job-queue.js';
import { STRIPE } from './stripe.client.js';

/** Sets the organization's subscription quantity to its member count (seat-sync.worker.ts). */
export const SEAT_SYNC_JOB = 'billing.sync-seats';

export interface SeatSyncJob {
  organizationId: string;
}

const options = (organizationId: string) => ({
  organizationId,
  // One queued sync per organization: ten members added at once are one Stripe update.
  singletonKey: organizationId,
  retryLimit: 8,
  retryDelaySeconds: 15,
  retryBackoff: true,
});

/**
 * Asks for a seat sync after a membership change, from inside the change's unit of work:
 * enqueued there, the job cannot be lost to a crash after the commit (on the embedded
 * database it commits with the change; pg-boss enqueues it at once, and a change that then
 * rolls back only costs a sync that changes nothing). Enqueued again after the commit, for a
 * job that ran before the commit and counted the members without the change; while the first
 * is still queued the singleton key makes the second a no-op. The job reads the count when it
 * runs, so duplicates and any order converge on the same quantity.
 */
@Injectable()
export class SeatSyncJobs {
  constructor(
    private readonly db: TenantDb,
    @Inject(STRIPE) private readonly stripe: Stripe | null,
    @Optional() @Inject(JobQueue) private readonly queue?: JobQueue,
  ) {}

  /** A no-op while billing is off (no STRIPE_SECRET_KEY): there is nothing to sync. */
  async request(organizationId: string): Promise<void> {
    if (!this.queue || !this.stripe) return;
    const queue = this.queue;
    const send = () => queue.send<SeatSyncJob>(SEAT_SYNC_JOB, { organizationId }, options(organizationId));
    await send();
    this.db.afterCommit(send);
  }
}
