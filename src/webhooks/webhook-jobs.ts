import { Inject, Injectable, Optional } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.js';

/** Turns new outbox events into deliveries (webhook-dispatcher.ts); one queued at a time across every process. */
export const DISPATCH_JOB = 'webhooks.dispatch';
/** One attempt of one delivery (webhook-deliverer.ts). */
export const DELIVER_JOB = 'webhooks.deliver';

export interface DeliverJobData {
  organizationId: string;
  deliveryId: string;
}

/**
 * The webhooks' jobs, as the rest of the feature enqueues them. Without a job runner in the
 * application (JobsModule provides JobQueue) nothing is enqueued and nothing is delivered:
 * deliveries wait in the database, and the first process with a runner picks them up.
 */
@Injectable()
export class WebhookJobs {
  constructor(@Optional() @Inject(JobQueue) private readonly queue?: JobQueue) {}

  get running(): boolean {
    return this.queue !== undefined;
  }

  /** Asks for a dispatch; a no-op while one is already queued. */
  async dispatch(): Promise<void> {
    await this.queue?.send(DISPATCH_JOB, {}, { singletonKey: DISPATCH_JOB, retryLimit: 0 });
  }

  /**
   * Enqueues the next attempt of each delivery. The singleton key (delivery and attempt)
   * keeps a delivery enqueued twice — by its writer and by the overdue sweep — to one job;
   * a duplicate that slips through finds the delivery claimed or done and does nothing.
   * The job's own retries only cover an attempt that could not be recorded (the database
   * was unreachable): HTTP failures are recorded and rescheduled by the delivery itself.
   */
  async deliver(
    organizationId: string,
    deliveries: { id: string; attempts: number }[],
    startAfter?: Date,
  ): Promise<void> {
    for (const d of deliveries) {
      await this.queue?.send<DeliverJobData>(
        DELIVER_JOB,
        { organizationId, deliveryId: d.id },
        {
          singletonKey: `${d.id}:${d.attempts}`,
          organizationId,
          retryLimit: 3,
          retryDelaySeconds: 10,
          retryBackoff: true,
          ...(startAfter && { startAfter }),
        },
      );
    }
  }
}
