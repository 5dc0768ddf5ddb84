import { Injectable } from '@nestjs/common';
import { Conflict, NotFound } from '../common/errors.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { JobFailure } from '../generated/prisma/client.js';
import type { JobFailureOutput } from './dto/job-failure.output.js';
import type { ListJobsQuery } from './dto/jobs.query.js';
import { JobFailuresRepository } from './job-failures.repository.js';
import { JobQueue } from './job-queue.js';

const toOutput = (f: JobFailure): JobFailureOutput => ({
  id: f.id,
  queue: f.queue,
  jobId: f.jobId,
  // Written by the runner from the data the job was sent with: always an object (JobQueue.send's T).
  data: f.data as Record<string, unknown>,
  error: f.error,
  attempts: f.attempts,
  failedAt: f.failedAt.toISOString(),
  retriedAt: f.retriedAt?.toISOString() ?? null,
  state: 'failed',
});

/** The dead letter as ADMINs see it (job_failures' policies decide who reads it). */
@Injectable()
export class JobsService {
  constructor(
    private readonly db: TenantDb,
    private readonly failures: JobFailuresRepository,
    private readonly queue: JobQueue,
  ) {}

  list(query: ListJobsQuery): Promise<Page<JobFailureOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.failures.list(query);
      return pageOf(rows.map(toOutput), total, query);
    });
  }

  /**
   * Sends the failed job's data to its queue again, with as many attempts as it had, and
   * marks the failure retried — in the ADMIN's unit of work, after the mark, so a send that
   * fails leaves the failure retryable (on the embedded database the send is part of it).
   */
  retry(id: string): Promise<JobFailureOutput> {
    return this.db.run(async () => {
      const marked = await this.failures.markRetried(id);
      if (!marked) {
        if (await this.failures.find(id)) throw new Conflict('This job was already retried');
        throw new NotFound('Failed job');
      }
      await this.queue.send(marked.queue, marked.data as object, {
        organizationId: marked.organizationId,
        retryLimit: marked.attempts - 1,
      });
      return toOutput(marked);
    });
  }
}
