import { Module } from '@nestjs/common';
import { ActivitiesModule } from '../activities/activities.module.js';
import { AppointmentsModule } from '../appointments/appointments.module.js';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { DealsModule } from '../deals/deals.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { LeadScoringModule } from '../lead-scoring/lead-scoring.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { LeadActionsController } from './lead-actions.controller.js';
import { LeadAssignmentService } from './lead-assignment.service.js';
import { LeadBulkService } from './lead-bulk.service.js';
import { LeadConversionService } from './lead-conversion.service.js';
import { LeadDuplicatesRepository } from './lead-duplicates.repository.js';
import { LeadImportWriter } from './lead-import.writer.js';
import { LeadMergeService } from './lead-merge.service.js';
import { LeadWorkflowService } from './lead-workflow.service.js';
import { LeadsController } from './leads.controller.js';
import { LeadsRepository } from './leads.repository.js';
import { LeadsService } from './leads.service.js';

@Module({
  // The lead workflows change other features' records only through their services.
  imports: [
    ActivitiesModule,
    AppointmentsModule,
    AssigneesModule,
    ContactsModule,
    DealsModule,
    IncludesModule,
    LeadScoringModule,
    NotificationsModule,
  ],
  controllers: [LeadsController, LeadActionsController],
  providers: [
    LeadsRepository,
    LeadDuplicatesRepository,
    LeadAssignmentService,
    LeadsService,
    LeadWorkflowService,
    LeadConversionService,
    LeadBulkService,
    LeadMergeService,
    LeadImportWriter,
  ],
  // Capture de-duplicates with the leads' own match keys and locks; exports read through the service;
  // imports (src/imports) write leads through the leads feature's own writer.
  exports: [LeadDuplicatesRepository, LeadsService, LeadImportWriter],
})
export class LeadsModule {}
