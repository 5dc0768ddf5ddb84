import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { CreateContactInput, UpdateContactInput } from './dto/contact.input.js';
import { ContactDetailOutput, ContactOutput } from './dto/contact.output.js';
import { ListContactsQuery } from './dto/list-contacts.query.js';
import { ContactsService } from './contacts.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such contact in this organization' };
const EMAIL_TAKEN = { type: ErrorBody, description: 'CONTACT_EMAIL_TAKEN: another live contact has this email' };
const INVALID_ASSIGNEE = { type: ErrorBody, description: 'INVALID_ASSIGNEE' };

@ApiTags('contacts')
@TenantRoute()
@Controller({ path: 'contacts', version: '1' })
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a contact' })
  @ApiCreatedResponse({ type: ContactOutput })
  @ApiConflictResponse(EMAIL_TAKEN)
  @ApiUnprocessableEntityResponse(INVALID_ASSIGNEE)
  create(@Body() input: CreateContactInput): Promise<ContactOutput> {
    return this.contacts.create(input);
  }

  @Get()
  @ApiOperation({ summary: 'List contacts (includeDeleted=true is for ADMINs)' })
  @ApiOkResponse({ type: PageOf(ContactOutput) })
  list(@Query() query: ListContactsQuery): Promise<Page<ContactOutput>> {
    return this.contacts.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a contact, with counts of its live deals and open activities' })
  @ApiOkResponse({ type: ContactDetailOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@IdParam() id: string): Promise<ContactDetailOutput> {
    return this.contacts.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a contact (only the fields sent)' })
  @ApiOkResponse({ type: ContactOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse(EMAIL_TAKEN)
  @ApiUnprocessableEntityResponse(INVALID_ASSIGNEE)
  update(@IdParam() id: string, @Body() input: UpdateContactInput): Promise<ContactOutput> {
    return this.contacts.update(id, input);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Soft-delete a contact' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@IdParam() id: string): Promise<void> {
    return this.contacts.remove(id);
  }

  @Post(':id/restore')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Restore a soft-deleted contact' })
  @ApiOkResponse({ type: ContactOutput })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No deleted contact with this id' })
  @ApiConflictResponse(EMAIL_TAKEN)
  restore(@IdParam() id: string): Promise<ContactOutput> {
    return this.contacts.restore(id);
  }
}
