import { Module } from '@nestjs/common';
import { ActivitiesModule } from '../activities/activities.module.js';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { AppointmentsController } from './appointments.controller.js';
import { AppointmentsRepository } from './appointments.repository.js';
import { AppointmentsService } from './appointments.service.js';

@Module({
  imports: [ActivitiesModule, AssigneesModule, IncludesModule, NotificationsModule],
  controllers: [AppointmentsController],
  providers: [AppointmentsRepository, AppointmentsService],
})
export class AppointmentsModule {}
