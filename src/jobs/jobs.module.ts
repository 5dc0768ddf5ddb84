import { Global, Module } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { DeadLetter } from './dead-letter.js';
import { EmbeddedJobsRepository } from './embedded/embedded-jobs.repository.js';
import { EmbeddedJobQueue } from './embedded/embedded.job-queue.js';
import { HousekeepingRepository } from './housekeeping.repository.js';
import { HousekeepingService } from './housekeeping.service.js';
import { HousekeepingTasks } from './housekeeping.tasks.js';
import { JobFailuresRepository } from './job-failures.repository.js';
import { JobQueue } from './job-queue.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';
import { PgBossJobQueue } from './pg-boss.job-queue.js';

/**
 * Background jobs (docs/jobs.md): `JobQueue` — pg-boss on Postgres, the embedded runner on
 * PGlite — the dead letter and its routes, and the housekeeping registry. Global, so every
 * feature injects JobQueue and HousekeepingService without importing it.
 */
@Global()
@Module({
  imports: [IdempotencyModule],
  controllers: [JobsController],
  providers: [
    DeadLetter,
    JobFailuresRepository,
    EmbeddedJobsRepository,
    {
      provide: JobQueue,
      inject: [APP_CONFIG, TenantDb, EmbeddedJobsRepository, DeadLetter, ClsService],
      useFactory: (
        config: AppConfig,
        db: TenantDb,
        jobs: EmbeddedJobsRepository,
        deadLetter: DeadLetter,
        cls: ClsService,
      ): JobQueue =>
        config.database.url
          ? new PgBossJobQueue(config, deadLetter, cls)
          : new EmbeddedJobQueue(db, jobs, deadLetter, cls, config),
    },
    JobsService,
    HousekeepingService,
    HousekeepingRepository,
    HousekeepingTasks,
  ],
  exports: [JobQueue, HousekeepingService],
})
export class JobsModule {}
