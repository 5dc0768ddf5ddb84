import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyRepository } from './idempotency.repository.js';

@Module({
  providers: [IdempotencyRepository, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
  // Expired keys are purged by a housekeeping job (src/jobs/housekeeping.tasks.ts).
  exports: [IdempotencyRepository],
})
export class IdempotencyModule {}
