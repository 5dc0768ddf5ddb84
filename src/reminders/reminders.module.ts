import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { RemindersRepository } from './reminders.repository.js';
import { RemindersService } from './reminders.service.js';
import { RemindersWorker } from './reminders.worker.js';

/** Appointment reminders, the overdue-activities digest and listing expiration alerts (docs/email.md). */
@Module({
  imports: [NotificationsModule],
  providers: [RemindersRepository, RemindersService, RemindersWorker],
})
export class RemindersModule {}
