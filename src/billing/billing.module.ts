import { Module } from '@nestjs/common';
import { BillingWebhookController } from './billing-webhook.controller.js';
import { BillingController } from './billing.controller.js';
import { BillingRepository } from './billing.repository.js';
import { BillingService } from './billing.service.js';
import { SeatSyncJobs } from './seat-sync.jobs.js';
import { SeatSyncWorker } from './seat-sync.worker.js';
import { stripeProvider } from './stripe.client.js';

/** Stripe billing (issue 19, docs/billing.md); the 402 on lapsed writes lives in TenantDb's opening statement. */
@Module({
  controllers: [BillingController, BillingWebhookController],
  providers: [stripeProvider, BillingRepository, BillingService, SeatSyncJobs, SeatSyncWorker],
  exports: [SeatSyncJobs],
})
export class BillingModule {}
