import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import {
  EnumListFilter,
  IncludeDeletedFilter,
  SearchFilter,
  TagFilter,
  UuidFilter,
} from '../../common/query-filters.js';
import { SortParam } from '../../common/sort.js';
import { ContactStatus, ContactType } from '../../generated/prisma/enums.js';
import { CONTACT_INCLUDE_NAMES, type ContactInclude } from '../contacts.includes.js';

export const CONTACT_SORT_FIELDS = ['createdAt', 'updatedAt', 'name'] as const;
export type ContactSortField = (typeof CONTACT_SORT_FIELDS)[number];

export class ListContactsQuery extends PageQuery {
  @SortParam(CONTACT_SORT_FIELDS, '-createdAt')
  sort?: string;

  @EnumListFilter(ContactType, { example: 'CLIENT,PROSPECT' })
  type?: ContactType[];

  @EnumListFilter(ContactStatus, { example: 'ACTIVE' })
  status?: ContactStatus[];

  @UuidFilter()
  assignedToId?: string;

  @UuidFilter('Only contacts of this service line')
  productId?: string;

  @UuidFilter('Only contacts in this acquisition stage')
  acquisitionStageId?: string;

  @TagFilter()
  tag?: string;

  @SearchFilter('Case-insensitive search over name, email, phone and company')
  q?: string;

  @IncludeDeletedFilter('contacts')
  includeDeleted?: boolean;

  @IdsParam('contacts')
  ids?: string[];

  @IncludeParam(CONTACT_INCLUDE_NAMES)
  include?: ContactInclude[];
}

/** GET /v1/contacts/{id}: the related records to add. */
export class ContactIncludeQuery {
  @IncludeParam(CONTACT_INCLUDE_NAMES)
  include?: ContactInclude[];
}
