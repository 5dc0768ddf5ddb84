import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { HousekeepingService } from '../jobs/housekeeping.service.js';
import { EventsHub } from '../events/events.hub.js';
import { JobQueue } from '../jobs/job-queue.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliverer } from './webhook-deliverer.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { DELIVER_JOB, type DeliverJobData, DISPATCH_JOB, WebhookJobs } from './webhook-jobs.js';

/**
 * Registers the webhooks' jobs with the job runner and keeps the outbox swept: every
 * WEBHOOK_DISPATCH_INTERVAL_MS this process asks for a `webhooks.dispatch` job (one is
 * queued at a time across every process, so N replicas cost one dispatch per interval, not
 * N). A sweep rather than a job per `crm_events` notification: the API already LISTENs for
 * those on one connection (src/events), a sweep needs no session of its own (it works
 * behind a transaction pooler and on PGlite alike), and it finds what a notification lost
 * while no process listened. Every event this process hears of committing (EventsHub)
 * also asks for a dispatch at once, so deliveries start within the commit's moment.
 */
@Injectable()
export class WebhookWorker implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookWorker.name);
  private timer?: NodeJS.Timeout;
  private waking = false;
  private stopping = false;
  private unsubscribe?: () => void;

  constructor(
    @Optional() @Inject(JobQueue) private readonly queue: JobQueue | undefined,
    private readonly jobs: WebhookJobs,
    private readonly dispatcher: WebhookDispatcher,
    private readonly deliverer: WebhookDeliverer,
    private readonly db: TenantDb,
    private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly hub: EventsHub,
    @Optional() private readonly housekeeping?: HousekeepingService,
  ) {}

  onModuleInit(): void {
    // The delivery log is kept 30 days (app.purge_webhook_deliveries); pending ones never go.
    this.housekeeping?.register({
      name: 'housekeeping.webhook-deliveries',
      cron: '41 3 * * *',
      run: () => this.db.runTrusted({}, () => this.deliveries.purge(30)),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.queue) {
      this.logger.warn('No job runner (JobQueue) in this application: webhooks are not delivered by this process');
      return;
    }
    await this.queue.work(DISPATCH_JOB, async () => {
      await this.dispatcher.run();
    });
    await this.queue.work<DeliverJobData>(
      DELIVER_JOB,
      (job) => this.deliverer.deliver(job.data.organizationId, job.data.deliveryId),
      { concurrency: this.config.webhooks.deliveryConcurrency },
    );
    const interval = this.config.webhooks.dispatchIntervalMs;
    if (interval > 0) {
      // An event committing is the moment to look; the timer catches what a notification missed.
      this.unsubscribe = this.hub.onCommitted(() => this.wake());
      this.timer = setInterval(() => this.wake(), interval);
      this.timer.unref();
      this.wake();
    }
  }

  /** Asks for a dispatch now (coalesced: one request in flight per process). */
  wake(): void {
    if (this.waking || this.stopping) return;
    this.waking = true;
    this.jobs
      .dispatch()
      .catch((error: unknown) => {
        // One in flight when shutdown began fails with the runner's closed pool: nothing is lost (the next sweep finds it).
        if (this.stopping) return;
        this.logger.warn(
          `Could not enqueue a webhook dispatch: ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => {
        this.waking = false;
      });
  }

  /**
   * Before the job runner stops (its own beforeApplicationShutdown): a dispatch asked for once
   * it has stopped found its pool closed and logged a warning on every shutdown.
   */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    this.unsubscribe?.();
    clearInterval(this.timer);
  }
}
