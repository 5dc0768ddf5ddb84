import { AssigneesModule } from '../assignees/assignees.module.js';
import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { PublicTicketsController } from './public-tickets.controller.js';
import { PublicTicketsService } from './public-tickets.service.js';
import { TicketAttachmentsController } from './ticket-attachments.controller.js';
import { TicketAttachmentsRepository } from './ticket-attachments.repository.js';
import { TicketAttachmentsService } from './ticket-attachments.service.js';
import { TicketCommentsController } from './ticket-comments.controller.js';
import { TicketCommentsRepository } from './ticket-comments.repository.js';
import { TicketCommentsService } from './ticket-comments.service.js';
import { TicketSharesController } from './ticket-shares.controller.js';
import { TicketSharesRepository } from './ticket-shares.repository.js';
import { TicketSharesService } from './ticket-shares.service.js';
import { TicketStatsRepository } from './ticket-stats.repository.js';
import { TicketStatsService } from './ticket-stats.service.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsRepository } from './tickets.repository.js';
import { TicketsService } from './tickets.service.js';

/** Tickets (issue 7): workflow, assignees, comments, attachments (StorageModule), share links, metrics. */
@Module({
  imports: [AssigneesModule, EmailModule, IncludesModule, NotificationsModule],
  controllers: [
    TicketsController,
    TicketCommentsController,
    TicketAttachmentsController,
    TicketSharesController,
    PublicTicketsController,
  ],
  providers: [
    TicketsRepository,
    TicketsService,
    TicketCommentsRepository,
    TicketCommentsService,
    TicketAttachmentsRepository,
    TicketAttachmentsService,
    TicketSharesRepository,
    TicketSharesService,
    PublicTicketsService,
    TicketStatsRepository,
    TicketStatsService,
  ],
})
export class TicketsModule {}
