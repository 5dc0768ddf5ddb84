import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module.js';
import { NotificationPreferencesController } from './notification-preferences.controller.js';
import { NotificationPreferencesRepository } from './notification-preferences.repository.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';

@Module({
  imports: [EmailModule],
  controllers: [NotificationsController, NotificationPreferencesController],
  providers: [
    NotificationsRepository,
    NotificationsService,
    NotificationPreferencesRepository,
    NotificationPreferencesService,
  ],
  exports: [NotificationsService],
})
export class NotificationsModule {}
