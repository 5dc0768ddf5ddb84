import { Injectable, Logger } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import type { Prisma } from '../generated/prisma/client.js';
import { errorMessage } from './job-options.js';
import { JobFailuresRepository } from './job-failures.repository.js';

/** One attempt of a job, as both runners describe it. */
export interface Attempt {
  queue: string;
  jobId: string;
  data: unknown;
  organizationId?: string | null;
  /** 0 on the first attempt. */
  retryCount: number;
  retryLimit: number;
}

/**
 * The dead letter: a job that works for an organization and fails its last attempt is
 * recorded in that organization's job_failures, where its ADMINs see and retry it. Jobs of
 * no organization (housekeeping) are only logged.
 */
@Injectable()
export class DeadLetter {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly db: TenantDb,
    private readonly failures: JobFailuresRepository,
  ) {}

  /** Runs one attempt; when it fails for the last time, records it before rethrowing (the runner then marks it failed). */
  async attempt(attempt: Attempt, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const last = attempt.retryCount >= attempt.retryLimit;
      const message = errorMessage(error);
      this.logger.warn(
        `Job ${attempt.queue}/${attempt.jobId} failed (attempt ${attempt.retryCount + 1} of ${attempt.retryLimit + 1}` +
          `${last ? ', no retries left' : ''}): ${message}`,
      );
      if (last && attempt.organizationId) await this.record(attempt, message);
      throw error;
    }
  }

  private async record(attempt: Attempt, error: string): Promise<void> {
    try {
      await this.db.runTrusted({ orgId: attempt.organizationId ?? undefined }, () =>
        this.failures.insert({
          queue: attempt.queue,
          jobId: attempt.jobId,
          data: (attempt.data ?? {}) as Prisma.InputJsonValue,
          error,
          attempts: attempt.retryCount + 1,
        }),
      );
    } catch (cause) {
      // The organization may be gone (its failures with it); the failure is in the log above.
      this.logger.error(
        `Could not record the failure of job ${attempt.queue}/${attempt.jobId}: ${errorMessage(cause)}`,
      );
    }
  }
}
