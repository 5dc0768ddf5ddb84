import { Inject, Injectable, Optional } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.js';

/** Runs (or continues) one import, from its checkpoint (import-runner.ts). */
export const RUN_IMPORT_JOB = 'imports.run';
/** Attempts after the first: each continues from the checkpoint the last one committed. */
export const IMPORT_RETRY_LIMIT = 3;

export interface RunImportData {
  organizationId: string;
  importId: string;
}

/** The imports' job, as the feature enqueues it; without a job runner in the app nothing runs here. */
@Injectable()
export class ImportJobs {
  constructor(@Optional() @Inject(JobQueue) private readonly queue?: JobQueue) {}

  async run(organizationId: string, importId: string): Promise<void> {
    await this.queue?.send<RunImportData>(
      RUN_IMPORT_JOB,
      { organizationId, importId },
      { organizationId, retryLimit: IMPORT_RETRY_LIMIT, retryDelaySeconds: 2, retryBackoff: true },
    );
  }
}
