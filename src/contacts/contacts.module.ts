import { Module } from '@nestjs/common';
import { AcquisitionStagesModule } from '../acquisition-stages/acquisition-stages.module.js';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { ProductsModule } from '../products/products.module.js';
import { ContactImportWriter } from './contact-import.writer.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';

@Module({
  imports: [AssigneesModule, IncludesModule, ProductsModule, AcquisitionStagesModule],
  controllers: [ContactsController],
  providers: [ContactsRepository, ContactsService, ContactImportWriter],
  // Lead conversion creates contacts inside its own unit of work; imports write them through the writer.
  exports: [ContactsService, ContactImportWriter],
})
export class ContactsModule {}
