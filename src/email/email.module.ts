import { Module } from '@nestjs/common';
import { EmailRepository } from './email.repository.js';
import { EmailService } from './email.service.js';
import { EmailTransport } from './email.transport.js';
import { EmailWorker } from './email.worker.js';

/** The email outbox and its delivery (docs/email.md). JobQueue comes from the global JobsModule. */
@Module({
  providers: [EmailRepository, EmailService, EmailTransport, EmailWorker],
  exports: [EmailService],
})
export class EmailModule {}
