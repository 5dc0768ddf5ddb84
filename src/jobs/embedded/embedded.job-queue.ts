import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { TenantDb } from '../../database/tenant-db.js';
import { assertTimeZone, type Cron, cronMatches, parseCron } from '../cron.js';
import { DeadLetter } from '../dead-letter.js';
import { dueAt, errorMessage, retryDelay, retryPolicy } from '../job-options.js';
import { type JobHandler, JobQueue, type JobSendOptions, type WorkOptions } from '../job-queue.js';
import { type ClaimedJob, EmbeddedJobsRepository } from './embedded-jobs.repository.js';

interface Worker {
  handler: JobHandler<unknown>;
  concurrency: number;
  running: Map<string, Promise<void>>;
}

interface Schedule {
  cron: Cron;
  tz: string;
  data: object;
  /** The last minute (epoch ms) this process enqueued. */
  lastTick: number;
}

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The job runner on the embedded database, where pg-boss cannot run (it needs server
 * features PGlite lacks and a pool of sessions; PGlite has one connection). Jobs persist in
 * embedded_jobs, so a restart loses none. One loop per process: it fires due schedules,
 * claims due jobs of each queue up to its concurrency in one short transaction, runs each
 * handler with no transaction open, then records the outcome in another. It polls every
 * JOBS_POLL_INTERVAL_MS and wakes at once when this process sends a job or one finishes.
 */
@Injectable()
export class EmbeddedJobQueue extends JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly workers = new Map<string, Worker>();
  private readonly schedules = new Map<string, Schedule>();
  /** Jobs handed back to the queue at shutdown: their late outcome is not recorded. */
  private readonly released = new Set<string>();
  private loop?: Promise<void>;
  private stopping = false;
  private wake: () => void = () => undefined;
  private lastCleanup = 0;

  constructor(
    private readonly db: TenantDb,
    private readonly jobs: EmbeddedJobsRepository,
    private readonly deadLetter: DeadLetter,
    private readonly cls: ClsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  /**
   * Inside a unit of work (a request enqueuing with its change), the insert joins that
   * transaction: it commits or rolls back with it. PGlite's one connection leaves no choice
   * (a second transaction would wait for the first forever); on Postgres, pg-boss enqueues
   * on its own connection — see docs/jobs.md.
   */
  async send<T extends object>(name: string, data: T, options: JobSendOptions = {}): Promise<string | null> {
    const id = await this.db.runTrusted({}, () =>
      this.jobs.insert({
        queue: name,
        data,
        organizationId: options.organizationId,
        singletonKey: options.singletonKey,
        startAfter: dueAt(options.startAfter),
        ...retryPolicy(options),
      }),
    );
    this.wake();
    return id;
  }

  work<T>(name: string, handler: JobHandler<T>, options: WorkOptions = {}): Promise<void> {
    if (this.workers.has(name)) throw new Error(`Queue ${name} already has a worker in this process`);
    this.workers.set(name, {
      handler: handler as JobHandler<unknown>,
      concurrency: Math.max(1, options.concurrency ?? 1),
      running: new Map(),
    });
    this.wake();
    return Promise.resolve();
  }

  schedule<T extends object>(name: string, cron: string, data?: T, options: { tz?: string } = {}): Promise<void> {
    const tz = options.tz ?? 'UTC';
    assertTimeZone(tz);
    this.schedules.set(name, { cron: parseCron(cron), tz, data: data ?? {}, lastTick: 0 });
    this.wake();
    return Promise.resolve();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.workers) return;
    // One process per embedded database: whatever is still active was running when it stopped.
    const released = await this.db.runTrusted({}, () => this.jobs.release());
    if (released) this.logger.log(`Released ${released} jobs left active by the previous run`);
    this.loop = this.cls.run({ ifNested: 'override' }, () => this.run());
  }

  /** Stops taking jobs, lets running ones finish up to JOBS_SHUTDOWN_TIMEOUT_MS, then releases the rest. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    const running = () => [...this.workers.values()].flatMap((w) => [...w.running.entries()]);
    const all = Promise.allSettled(running().map(([, p]) => p));
    await Promise.race([all, sleep(this.config.jobs.shutdownTimeoutMs)]);
    const left = running().map(([id]) => id);
    if (left.length) {
      for (const id of left) this.released.add(id);
      await this.db.runTrusted({}, () => this.jobs.release(left));
      this.logger.warn(`Released ${left.length} jobs still running after ${this.config.jobs.shutdownTimeoutMs} ms`);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      try {
        await this.tick();
      } catch (error) {
        this.logger.warn(`The job runner could not poll: ${errorMessage(error)}`);
      }
      if (this.stopping) break;
      await Promise.race([woken, sleep(this.config.jobs.pollIntervalMs)]);
    }
  }

  private async tick(): Promise<void> {
    await this.fireSchedules(Date.now());
    for (const [queue, worker] of this.workers) {
      const free = worker.concurrency - worker.running.size;
      if (free <= 0 || this.stopping) continue;
      const claimed = await this.db.runTrusted({}, () => this.jobs.claim(queue, free));
      for (const job of claimed) {
        const done = this.execute(worker, job).finally(() => {
          worker.running.delete(job.id);
          this.wake();
        });
        worker.running.set(job.id, done);
      }
    }
    if (Date.now() - this.lastCleanup > 60 * MINUTE) {
      this.lastCleanup = Date.now();
      await this.db.runTrusted({}, () => this.jobs.deleteFinished());
    }
  }

  /** Enqueues each schedule whose cron matches the current minute, once per minute (the tick's key dedupes across restarts). */
  private async fireSchedules(now: number): Promise<void> {
    const minute = Math.floor(now / MINUTE) * MINUTE;
    for (const [name, schedule] of this.schedules) {
      if (schedule.lastTick === minute || !cronMatches(schedule.cron, new Date(minute), schedule.tz)) continue;
      schedule.lastTick = minute;
      const tick = `cron:${new Date(minute).toISOString()}`;
      await this.db.runTrusted({}, () => this.jobs.insertTick(name, schedule.data, tick));
    }
  }

  private async execute(worker: Worker, job: ClaimedJob): Promise<void> {
    const attempt = { ...job, jobId: job.id };
    try {
      // A fresh context: the handler's units of work are its own, never a request's.
      await this.cls.run({ ifNested: 'override' }, () =>
        this.deadLetter.attempt(attempt, () =>
          worker.handler({ id: job.id, name: job.queue, data: job.data, retryCount: job.retryCount }),
        ),
      );
      await this.settle(job, () => this.jobs.complete(job.id));
    } catch (error) {
      const message = errorMessage(error);
      await this.settle(job, () =>
        job.retryCount < job.retryLimit
          ? this.jobs.retryLater(job.id, retryDelay(job, job.retryCount), message)
          : this.jobs.fail(job.id, message),
      );
    }
  }

  private async settle(job: ClaimedJob, write: () => Promise<void>): Promise<void> {
    if (this.released.delete(job.id)) return;
    await this.db.runTrusted({}, write).catch((error: unknown) => {
      this.logger.error(`Could not record the outcome of job ${job.queue}/${job.id}: ${errorMessage(error)}`);
    });
  }
}
