import { Module } from '@nestjs/common';
import { RECORD_IMPORTERS } from '../common/import-rows.js';
import { ContactImportWriter } from '../contacts/contact-import.writer.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { DataSourcesModule } from '../data-sources/data-sources.module.js';
import { LeadImportWriter } from '../leads/lead-import.writer.js';
import { LeadsModule } from '../leads/leads.module.js';
import { ListingImportWriter } from '../listings/listing-import.writer.js';
import { ListingsModule } from '../listings/listings.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ImportJobs } from './import-jobs.js';
import { ImportRunner } from './import-runner.js';
import { ImportSourceReader } from './import-source-reader.js';
import { ImportTargets } from './import-targets.js';
import { ImportWorker } from './import-worker.js';
import { ImportsController } from './imports.controller.js';
import { InboundController } from './inbound.controller.js';
import { InboundService } from './inbound.service.js';
import { ImportsRepository } from './imports.repository.js';
import { ImportsService } from './imports.service.js';

/** Import jobs (issue 17): the routes, the runner on the JobQueue, and the targets' writers (each from its own feature). */
@Module({
  imports: [LeadsModule, ContactsModule, ListingsModule, NotificationsModule, DataSourcesModule],
  controllers: [ImportsController, InboundController],
  providers: [
    {
      provide: RECORD_IMPORTERS,
      inject: [LeadImportWriter, ContactImportWriter, ListingImportWriter],
      useFactory: (...importers: unknown[]) => importers,
    },
    ImportTargets,
    ImportsRepository,
    ImportsService,
    ImportJobs,
    ImportSourceReader,
    ImportRunner,
    ImportWorker,
    InboundService,
  ],
  exports: [ImportRunner],
})
export class ImportsModule {}
