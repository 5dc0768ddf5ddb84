import { Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.js';
import { RUN_IMPORT_JOB, type RunImportData } from './import-jobs.js';
import { ImportRunner } from './import-runner.js';

/** Registers `imports.run` with the job runner (one import at a time per process: each is a stream of batches). */
@Injectable()
export class ImportWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(ImportWorker.name);

  constructor(
    private readonly runner: ImportRunner,
    @Optional() @Inject(JobQueue) private readonly queue?: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.queue) {
      this.logger.warn('No job runner (JobQueue) in this application: imports do not run in this process');
      return;
    }
    await this.queue.work<RunImportData>(RUN_IMPORT_JOB, (job) => this.runner.run(job), { concurrency: 1 });
  }
}
