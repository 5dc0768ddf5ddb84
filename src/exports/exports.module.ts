import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { DealsModule } from '../deals/deals.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { ListingsModule } from '../listings/listings.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ExportsController } from './exports.controller.js';
import { OrganizationExportJob } from './organization-export.job.js';
import { OrganizationExportsController } from './organization-exports.controller.js';
import { OrganizationExportsRepository } from './organization-exports.repository.js';
import { OrganizationExportsService } from './organization-exports.service.js';
import { RecordExportsService } from './record-exports.service.js';

/** Exports (issue 17 part 5, docs/exports.md): the lists streamed as CSV or NDJSON, and organization archives. */
@Module({
  imports: [LeadsModule, ContactsModule, DealsModule, ListingsModule, NotificationsModule],
  controllers: [ExportsController, OrganizationExportsController],
  providers: [RecordExportsService, OrganizationExportsRepository, OrganizationExportsService, OrganizationExportJob],
})
export class ExportsModule {}
