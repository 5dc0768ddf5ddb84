import { Injectable } from '@nestjs/common';
import { DetailCode } from '../common/errors.js';
import type { DuplicatePolicy, ImportRow, RecordImporter, RowOutcome } from '../common/import-rows.js';
import { jsonInput } from '../common/prisma-json.js';
import { TenantDb } from '../database/tenant-db.js';
import { CreateContactInput } from './dto/contact.input.js';
import { ContactsRepository } from './contacts.repository.js';

/**
 * Imported rows → contacts, with the create route's rules (CreateContactInput). A contact's
 * email is unique among the live ones (case-insensitive): a row with a taken email is a
 * duplicate, skipped or updating that contact; with duplicatePolicy `create` it fails, since a
 * second contact cannot hold the email. Row by row, so each row sees the ones before it.
 */
@Injectable()
export class ContactImportWriter implements RecordImporter<CreateContactInput> {
  readonly target = 'contacts';
  readonly input = CreateContactInput;
  readonly fields = {
    name: 'text',
    email: 'text',
    phone: 'text',
    company: 'text',
    position: 'text',
    type: 'text',
    status: 'text',
    notes: 'text',
    tags: 'list',
    linkedinUrl: 'text',
    twitterUrl: 'text',
    preferredContactMethod: 'text',
    customFields: 'text',
  } as const;

  constructor(
    private readonly db: TenantDb,
    private readonly contacts: ContactsRepository,
  ) {}

  async write(rows: ImportRow<CreateContactInput>[], policy: DuplicatePolicy): Promise<RowOutcome[]> {
    const outcomes: RowOutcome[] = [];
    for (const { row, input } of rows) {
      const { customFields, assignedToId: _assignee, ...rest } = input;
      const data = { ...rest, ...(customFields !== undefined && { customFields: jsonInput(customFields) }) };
      const existing = input.email ? await this.contacts.liveIdByEmail(input.email) : null;
      if (!existing) {
        await this.contacts.create({ ...data, createdById: this.db.context.userId ?? null });
        outcomes.push({ row, result: 'created' });
      } else if (policy === 'skip') {
        outcomes.push({ row, result: 'skipped' });
      } else if (policy === 'update') {
        await this.contacts.update(existing, data);
        outcomes.push({ row, result: 'updated' });
      } else {
        outcomes.push({
          row,
          result: 'failed',
          error: { field: 'email', message: 'a live contact already has this email', code: DetailCode.NotUnique },
        });
      }
    }
    return outcomes;
  }
}
