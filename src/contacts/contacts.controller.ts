import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint, RestoreRoute, SoftDeleteRoute } from '../http/endpoint.decorator.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { ContactsService } from './contacts.service.js';
import { CreateContactInput, UpdateContactInput } from './dto/contact.input.js';
import { ContactDetailOutput, ContactOutput } from './dto/contact.output.js';
import { ContactIncludeQuery, ListContactsQuery } from './dto/list-contacts.query.js';

@TenantRoute('contacts')
@Controller({ path: 'contacts', version: '1' })
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post()
  @Endpoint({
    summary: 'Create a contact',
    ok: ContactOutput,
    created: '/v1/contacts/{id}',
    errors: [ErrorCode.ContactEmailTaken, ErrorCode.InvalidAssignee],
  })
  create(@Body() input: CreateContactInput): Promise<ContactOutput> {
    return this.contacts.create(input);
  }

  @Get()
  @Endpoint({ summary: 'List contacts', description: 'includeDeleted=true is for ADMINs.', ok: PageOf(ContactOutput) })
  list(@Query() query: ListContactsQuery): Promise<Page<ContactOutput>> {
    return this.contacts.list(query);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get a contact, with counts of its live deals and open activities', ok: ContactDetailOutput })
  get(@IdParam() id: string, @Query() query: ContactIncludeQuery): Promise<ContactDetailOutput> {
    return this.contacts.get(id, query.include);
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Update a contact (only the fields sent)',
    ok: ContactOutput,
    errors: [ErrorCode.ContactEmailTaken, ErrorCode.InvalidAssignee],
    ifMatch: 'contact',
  })
  update(@IdParam() id: string, @Body() input: UpdateContactInput): Promise<ContactOutput> {
    return this.contacts.update(id, input);
  }

  @SoftDeleteRoute('contact')
  remove(@IdParam() id: string): Promise<void> {
    return this.contacts.remove(id);
  }

  @RestoreRoute('contact', ContactOutput, [ErrorCode.ContactEmailTaken])
  restore(@IdParam() id: string): Promise<ContactOutput> {
    return this.contacts.restore(id);
  }
}
