import { Injectable } from '@nestjs/common';
import { AcquisitionStagesService } from '../acquisition-stages/acquisition-stages.service.js';
import { AssigneesService } from '../assignees/assignees.service.js';
import { NotFound } from '../common/errors.js';
import { assertMayIncludeDeleted } from '../common/include-deleted.js';
import { type Page, pageOf } from '../common/pagination.js';
import { jsonInput } from '../common/prisma-json.js';
import { TenantDb } from '../database/tenant-db.js';
import { IncludesService } from '../includes/includes.service.js';
import { ProductsService } from '../products/products.service.js';
import type { CreateContactInput, UpdateContactInput } from './dto/contact.input.js';
import type { ContactDetailOutput, ContactOutput } from './dto/contact.output.js';
import type { ListContactsQuery } from './dto/list-contacts.query.js';
import { CONTACT_INCLUDES, type ContactInclude } from './contacts.includes.js';
import { toContactOutput } from './contacts.mapper.js';
import { type ContactWrite, ContactsRepository } from './contacts.repository.js';
import type { ContactFilters } from './contacts.repository.js';

/** What a converted lead hands over to its new contact. */
export type ContactFromLead = Pick<
  ContactWrite,
  'name' | 'email' | 'phone' | 'company' | 'notes' | 'tags' | 'assignedToId' | 'lastContactAt' | 'sourceLeadId'
>;

@Injectable()
export class ContactsService {
  constructor(
    private readonly db: TenantDb,
    private readonly contacts: ContactsRepository,
    private readonly assignees: AssigneesService,
    private readonly includes: IncludesService,
    private readonly products: ProductsService,
    private readonly stages: AcquisitionStagesService,
  ) {}

  list(query: ListContactsQuery): Promise<Page<ContactOutput>> {
    return this.db.run(async () => {
      assertMayIncludeDeleted(query.includeDeleted, this.db.role);
      const [rows, total] = await this.contacts.list(query);
      const data = await this.includes.expand(rows.map(toContactOutput), query.include, CONTACT_INCLUDES);
      return pageOf(data, total, query);
    });
  }

  /**
   * Every row of the list (its filters and sort, no pages), mapped as the list maps them, in
   * batches: for an export, in the caller's unit of work (a snapshot: src/exports).
   */
  async *exportBatches(query: ContactFilters): AsyncGenerator<ContactOutput[]> {
    assertMayIncludeDeleted(query.includeDeleted, this.db.role);
    for await (const rows of this.contacts.exportBatches(query)) yield rows.map(toContactOutput);
  }

  get(id: string, include?: readonly ContactInclude[]): Promise<ContactDetailOutput> {
    return this.db.run(async () => {
      const contact = await this.contacts.findLive(id);
      if (!contact) throw new NotFound('Contact');
      const detail = { ...toContactOutput(contact), counts: await this.contacts.counts(id) };
      return this.includes.expandOne(detail, include, CONTACT_INCLUDES);
    });
  }

  create(input: CreateContactInput): Promise<ContactOutput> {
    return this.db.run(async () => {
      await this.checkLinks(input);
      const { customFields, ...rest } = input;
      const contact = await this.contacts.create({
        ...rest,
        customFields: jsonInput(customFields),
        createdById: this.db.userId,
      });
      return toContactOutput(contact);
    });
  }

  /**
   * Creates the contact a lead converts into, inside the caller's unit of work. The
   * lead's assignee is copied as is (the composite key keeps it a member).
   */
  createFromLead(data: ContactFromLead): Promise<ContactOutput> {
    return this.db.run(async () =>
      toContactOutput(await this.contacts.create({ ...data, createdById: this.db.userId })),
    );
  }

  update(id: string, input: UpdateContactInput): Promise<ContactOutput> {
    return this.db.run(async () => {
      if (!(await this.contacts.findLive(id))) throw new NotFound('Contact');
      await this.checkLinks(input);
      const { customFields, name, type, status, tags, ...nullable } = input;
      // Required columns ignore an explicit null (validation already refused it for name).
      const updated = await this.contacts.update(id, {
        ...nullable,
        ...(name != null && { name }),
        ...(type != null && { type }),
        ...(status != null && { status }),
        ...(tags != null && { tags }),
        customFields: jsonInput(customFields),
      });
      if (!updated) throw new NotFound('Contact');
      return toContactOutput(updated);
    });
  }

  /** 422 INVALID_ASSIGNEE / INVALID_REFERENCE for an assignee, service line or stage that is not the organization's. */
  private async checkLinks(input: UpdateContactInput): Promise<void> {
    await this.assignees.assertAssignable(input.assignedToId);
    await this.products.assertLinkable(input.productId);
    await this.stages.assertLinkable(input.acquisitionStageId);
  }

  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      if (!(await this.contacts.update(id, { deletedAt: new Date() }))) throw new NotFound('Contact');
    });
  }

  /** Restoring fails with 409 CONTACT_EMAIL_TAKEN if another live contact took the email meanwhile. */
  restore(id: string): Promise<ContactOutput> {
    return this.db.run(async () => {
      const restored = await this.contacts.update(id, { deletedAt: null }, true);
      if (!restored) throw new NotFound('Deleted contact');
      return toContactOutput(restored);
    });
  }
}
