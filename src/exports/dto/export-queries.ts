import { OmitType } from '@nestjs/swagger';
import { ListContactsQuery } from '../../contacts/dto/list-contacts.query.js';
import { ListDealsQuery } from '../../deals/dto/list-deals.query.js';
import { ListLeadsQuery } from '../../leads/dto/list-leads.query.js';
import { ListListingsQuery } from '../../listings/dto/list-listings.query.js';

// Each export takes its list's parameters — filters, q, sort, ids, includeDeleted — minus
// the page and the includes: a filter added to a list is a filter of its export at once.
const NOT_EXPORTED = ['page', 'pageSize', 'include'] as const;

export class ExportLeadsQuery extends OmitType(ListLeadsQuery, NOT_EXPORTED) {}
export class ExportContactsQuery extends OmitType(ListContactsQuery, NOT_EXPORTED) {}
export class ExportDealsQuery extends OmitType(ListDealsQuery, NOT_EXPORTED) {}
export class ExportListingsQuery extends OmitType(ListListingsQuery, NOT_EXPORTED) {}
