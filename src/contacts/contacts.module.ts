import { Module } from '@nestjs/common';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';

@Module({
  imports: [AssigneesModule, IncludesModule],
  controllers: [ContactsController],
  providers: [ContactsRepository, ContactsService],
  // Lead conversion creates contacts inside its own unit of work.
  exports: [ContactsService],
})
export class ContactsModule {}
