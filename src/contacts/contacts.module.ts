import { Module } from '@nestjs/common';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { ContactImportWriter } from './contact-import.writer.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';

@Module({
  imports: [AssigneesModule, IncludesModule],
  controllers: [ContactsController],
  providers: [ContactsRepository, ContactsService, ContactImportWriter],
  // Lead conversion creates contacts inside its own unit of work; imports write them through the writer.
  exports: [ContactsService, ContactImportWriter],
})
export class ContactsModule {}
