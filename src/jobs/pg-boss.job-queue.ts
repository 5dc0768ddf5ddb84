import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DeadLetter } from './dead-letter.js';
import { errorMessage, retryPolicy } from './job-options.js';
import { type JobHandler, JobQueue, type JobSendOptions, type WorkOptions } from './job-queue.js';

/** pg-boss's tables live in their own schema, created and migrated by pg-boss itself at start. */
export const PG_BOSS_SCHEMA = 'pgboss';

/** What is stored as a pg-boss job's data: the sender's data and the organization it works for. */
interface Envelope {
  payload: unknown;
  organizationId?: string;
}

interface Registration {
  handler: JobHandler<unknown>;
  concurrency: number;
}

/** Connections pg-boss itself holds (polling, completing); handlers use the API's own pool. */
const BOSS_POOL_SIZE = 4;
/** How often pg-boss looks again whether its stopped workers' loops have ended (manager.offWork). */
const WORKER_SWEEP_MS = 1100;

/**
 * The job runner on Postgres: pg-boss 10 (the newest line whose engines allow Node 20),
 * through its public API only, on DATABASE_DIRECT_URL (a session of its own) or DATABASE_URL.
 *
 * Queues are created on first use with pg-boss's `short` policy, whose unique index allows one
 * queued job per singleton key: that is JobQueue's singletonKey. A job sent without one gets a
 * key of its own (its id), so the index never holds it back.
 */
@Injectable()
export class PgBossJobQueue extends JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly boss: PgBoss;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly registrations = new Map<string, Registration>();
  /** This process's pg-boss worker ids per queue, and which one a new job wakes next. */
  private readonly workerIds = new Map<string, string[]>();
  private readonly nextWorker = new Map<string, number>();
  private readonly schedules = new Map<string, { cron: string; data: object; tz: string }>();
  private starting?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deadLetter: DeadLetter,
    private readonly cls: ClsService,
  ) {
    super();
    const { pollIntervalMs } = config.jobs;
    this.boss = new PgBoss({
      connectionString: config.database.directUrl ?? config.database.url,
      schema: PG_BOSS_SCHEMA,
      application_name: 'brokerage-crm jobs',
      max: BOSS_POOL_SIZE,
      // Scheduling: how often one process (pg-boss elects it) looks at the cron table, and
      // how often the queue of due ticks is read: about 15 polls, at most pg-boss's 30 s.
      cronMonitorIntervalSeconds: Math.min(30, Math.max(1, (pollIntervalMs * 15) / 1000)),
      cronWorkerIntervalSeconds: Math.min(30, Math.max(1, pollIntervalMs / 1000)),
    });
    // Without a listener, an error event (a lost connection while polling) would crash the process.
    this.boss.on('error', (error) => this.logger.warn(`pg-boss: ${errorMessage(error)}`));
  }

  async send<T extends object>(name: string, data: T, options: JobSendOptions = {}): Promise<string | null> {
    await this.queue(name);
    const id = crypto.randomUUID();
    const envelope: Envelope = {
      payload: data,
      ...(options.organizationId && { organizationId: options.organizationId }),
    };
    const sent = await this.boss.send(name, envelope, {
      id,
      singletonKey: options.singletonKey ?? `job:${id}`,
      ...(options.startAfter !== undefined && { startAfter: options.startAfter }),
      ...this.retryOptions(options),
    });
    if (sent) this.wakeWorker(name, options.startAfter);
    return sent;
  }

  async work<T>(name: string, handler: JobHandler<T>, options: WorkOptions = {}): Promise<void> {
    if (this.registrations.has(name)) throw new Error(`Queue ${name} already has a worker in this process`);
    const registration = {
      handler: handler as JobHandler<unknown>,
      concurrency: Math.max(1, options.concurrency ?? 1),
    };
    this.registrations.set(name, registration);
    if (this.config.jobs.workers && this.starting) await this.startWorkers(name, registration);
  }

  /**
   * Records the schedule and applies it once the runner has started: a database unreachable
   * at boot does not stop the boot (as for the API's own pool); the schedules are applied
   * when a later send or work starts the runner.
   */
  async schedule<T extends object>(name: string, cron: string, data?: T, options: { tz?: string } = {}): Promise<void> {
    this.schedules.set(name, { cron, data: data ?? {}, tz: options.tz ?? 'UTC' });
    await this.applySchedule(name).catch((error: unknown) =>
      this.logger.warn(`Schedule ${name} not applied yet: ${errorMessage(error)}`),
    );
  }

  private async applySchedule(name: string): Promise<void> {
    const entry = this.schedules.get(name);
    if (!entry) return;
    await this.queue(name);
    // A tick's job has no singleton key: at most one of them is queued (the policy's null key).
    await this.boss.schedule(name, entry.cron, { payload: entry.data } satisfies Envelope, {
      tz: entry.tz,
      ...this.retryOptions({}),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.started();
    } catch (error) {
      // As the API does for its own pool: keep booting; the next send or work tries again.
      this.logger.error(`The job runner could not start: ${errorMessage(error)}`);
    }
  }

  /** Stops fetching, lets running jobs finish up to JOBS_SHUTDOWN_TIMEOUT_MS, then fails the rest so another process retries them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (!this.starting) return;
    await this.starting.catch(() => undefined);
    await this.boss.stop({ graceful: true, wait: true, close: true, timeout: this.config.jobs.shutdownTimeoutMs });
    // pg-boss forgets its stopped workers in a loop it starts while stopping, which looks again
    // every second until each worker's loop has ended. Shutdown returns one such second after
    // the stop has finished (running jobs done, the pool closed, so every worker's loop ends at
    // once), when that loop has seen them all stopped: nothing of the runner outlives the app.
    // In Jest it did, and failed the next test file with "require after the environment was torn
    // down". Counted from the start of the stop, as before, a stop that waited for a running
    // job left no time at all, and the loop looked again after the app was gone.
    if (this.workerIds.size > 0) await sleep(WORKER_SWEEP_MS);
    await new Promise((resolve) => setImmediate(resolve));
  }

  private started(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('The job runner is stopped'));
    this.starting ??= (async () => {
      await this.boss.start();
      // Schedules recorded while the runner could not start (queue() waits for this start).
      for (const name of this.schedules.keys()) {
        void this.applySchedule(name).catch((error: unknown) =>
          this.logger.warn(`Schedule ${name} not applied: ${errorMessage(error)}`),
        );
      }
      if (!this.config.jobs.workers) return;
      for (const [name, registration] of this.registrations) await this.startWorkers(name, registration);
    })().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** Creates the queue once per process (pg-boss refuses to create one twice; another process may have). */
  private queue(name: string): Promise<void> {
    let created = this.queues.get(name);
    if (!created) {
      created = (async () => {
        await this.started();
        if (await this.boss.getQueue(name)) return;
        await this.boss.createQueue(name, { name, policy: 'short' }).catch(async (error: unknown) => {
          if (!(await this.boss.getQueue(name))) throw error;
        });
      })();
      created.catch(() => this.queues.delete(name));
      this.queues.set(name, created);
    }
    return created;
  }

  /** pg-boss takes whole seconds of delay. */
  private retryOptions(options: JobSendOptions) {
    const policy = retryPolicy(options);
    return {
      retryLimit: policy.retryLimit,
      retryDelay: Math.ceil(policy.retryDelaySeconds),
      retryBackoff: policy.retryBackoff,
    };
  }

  /** pg-boss 10 runs one job at a time per work() call: `concurrency` calls, one job each. */
  private async startWorkers(name: string, { handler, concurrency }: Registration): Promise<void> {
    await this.queue(name);
    const options = {
      includeMetadata: true as const,
      batchSize: 1,
      pollingIntervalSeconds: Math.max(0.5, this.config.jobs.pollIntervalMs / 1000),
    };
    const ids = this.workerIds.get(name) ?? [];
    this.workerIds.set(name, ids);
    for (let i = 0; i < concurrency; i++) {
      // Known once work() resolves; the handler may in principle run before that.
      const worker: { id?: string } = {};
      worker.id = await this.boss.work<Envelope>(name, options, async ([job]) => {
        if (!job) return;
        // A worker that found a job looks for the next one at once: pg-boss 10 would wait its
        // polling interval after every fetch, capping a worker at one job per interval.
        if (worker.id) this.boss.notifyWorker(worker.id);
        const { payload, organizationId } = job.data;
        const attempt = {
          queue: name,
          jobId: job.id,
          data: payload,
          organizationId,
          retryCount: job.retryCount,
          retryLimit: job.retryLimit,
        };
        // A fresh context: the handler's units of work are its own.
        await this.cls.run({ ifNested: 'override' }, () =>
          this.deadLetter.attempt(attempt, () =>
            handler({ id: job.id, name, data: payload, retryCount: job.retryCount }),
          ),
        );
      });
      ids.push(worker.id);
    }
  }

  /** A job due now wakes one of this process's workers of its queue, instead of waiting for its next poll. */
  private wakeWorker(name: string, startAfter: JobSendOptions['startAfter']): void {
    const ids = this.workerIds.get(name);
    if (!ids?.length || (startAfter !== undefined && !(startAfter instanceof Date && startAfter <= new Date()))) return;
    const next = (this.nextWorker.get(name) ?? 0) % ids.length;
    this.nextWorker.set(name, next + 1);
    this.boss.notifyWorker(ids[next]);
  }
}
