import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { MembersModule } from '../members/members.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliverer } from './webhook-deliverer.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookJobs } from './webhook-jobs.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookWorker } from './webhook-worker.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** Outbound webhooks (issue 16): the routes, and the jobs that deliver from the outbox. Needs the JobQueue (JobsModule). */
@Module({
  imports: [MembersModule, NotificationsModule, EventsModule],
  controllers: [WebhooksController],
  providers: [
    WebhooksRepository,
    WebhookDeliveriesRepository,
    WebhooksService,
    WebhookJobs,
    WebhookSender,
    WebhookDispatcher,
    WebhookDeliverer,
    WebhookWorker,
  ],
  exports: [WebhookWorker],
})
export class WebhooksModule {}
