import { ErrorCode } from '../common/errors.js';
import { PageOf } from '../common/pagination.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { ContactsService } from './contacts.service.js';
import { CreateContactInput, UpdateContactInput } from './dto/contact.input.js';
import { ContactDetailOutput, ContactOutput } from './dto/contact.output.js';
import { ContactIncludeQuery, ListContactsQuery } from './dto/list-contacts.query.js';

/**
 * CONTACT_EMAIL_TAKEN: a live contact of the organization has the email; INVALID_REFERENCE: the
 * productId or acquisitionStageId is not the organization's.
 */
const WRITE_RULES = [ErrorCode.ContactEmailTaken, ErrorCode.InvalidAssignee, ErrorCode.InvalidReference] as const;

/** The organization's contactVisibility, as RLS applies it (migration 20261206220000). */
const VISIBILITY =
  "An AGENT sees every contact, or only those assigned to or created by them when the organization's contactVisibility is OWN.";

@TenantController('contacts')
@ResourceRoutes('contact', {
  create: {
    summary: 'Create a contact',
    body: CreateContactInput,
    ok: ContactOutput,
    created: '/v1/contacts/{id}',
    errors: WRITE_RULES,
  },
  list: {
    summary: 'List contacts',
    description: `includeDeleted=true is for ADMINs. ${VISIBILITY}`,
    query: ListContactsQuery,
    ok: PageOf(ContactOutput),
  },
  get: {
    summary: 'Get a contact, with counts of its live deals and open activities',
    query: ContactIncludeQuery,
    ok: ContactDetailOutput,
  },
  update: {
    summary: 'Update a contact (only the fields sent)',
    body: UpdateContactInput,
    ok: ContactOutput,
    errors: WRITE_RULES,
  },
  softDelete: {},
  restore: { ok: ContactOutput, errors: [ErrorCode.ContactEmailTaken] },
})
export class ContactsController {
  constructor(readonly service: ContactsService) {}
}
