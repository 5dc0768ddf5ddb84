import { Module } from '@nestjs/common';
import { ActivitiesModule } from '../activities/activities.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { LeadRoutingModule } from '../lead-routing/lead-routing.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { CaptureKeysController } from './capture-keys.controller.js';
import { CaptureKeysRepository } from './capture-keys.repository.js';
import { CaptureKeysService } from './capture-keys.service.js';
import { CaptureController } from './capture.controller.js';
import { CaptureGuard } from './capture.guard.js';
import { CaptureRepository } from './capture.repository.js';
import { CaptureService } from './capture.service.js';

@Module({
  imports: [ActivitiesModule, AuthModule, LeadRoutingModule, LeadsModule, NotificationsModule],
  controllers: [CaptureKeysController, CaptureController],
  providers: [CaptureKeysRepository, CaptureKeysService, CaptureRepository, CaptureService, CaptureGuard],
})
export class CaptureModule {}
