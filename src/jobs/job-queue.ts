/**
 * The one job runner every feature enqueues to (issue 16): pg-boss on Postgres, an
 * in-process runner on the embedded database, both behind this interface. Features inject
 * `JobQueue` and never name the implementation.
 */
export interface JobSendOptions {
  /** Run no earlier than this (a Date, or seconds from now). */
  startAfter?: Date | number;
  /** At most one queued (not yet running) job with this key per queue. */
  singletonKey?: string;
  /** Attempts after the first one before the job is dead (default 5). */
  retryLimit?: number;
  /** First retry delay in seconds (default 10); doubled per attempt when retryBackoff. */
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** The organization the job works for, when it works for one: the dead-letter list of its ADMINs. */
  organizationId?: string;
}

export interface Job<T> {
  id: string;
  name: string;
  data: T;
  /** 0 on the first attempt. */
  retryCount: number;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface WorkOptions {
  /** Jobs of this queue run at once in this process (default 1). */
  concurrency?: number;
}

export abstract class JobQueue {
  /** Enqueues a job; resolves to its id, or null when a singletonKey job was already queued. */
  abstract send<T extends object>(name: string, data: T, options?: JobSendOptions): Promise<string | null>;
  /** Registers this process as a worker of `name`. */
  abstract work<T>(name: string, handler: JobHandler<T>, options?: WorkOptions): Promise<void>;
  /** Runs `name` on a cron schedule (5 fields, UTC unless tz), once per tick across every process. */
  abstract schedule<T extends object>(name: string, cron: string, data?: T, options?: { tz?: string }): Promise<void>;
}
