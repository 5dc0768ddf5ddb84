import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import {
  BooleanFilter,
  DeprecatedUuidFilter,
  EnumListFilter,
  ExactTextFilter,
  SearchFilter,
  UuidFilter,
} from '../../common/query-filters.js';
import { SortParam } from '../../common/sort.js';
import { TicketPriority, TicketStatus } from '../../generated/prisma/enums.js';
import { InstantBound, RangeFrom, RangeTo } from '../../common/dates.js';
import { TICKET_INCLUDE_NAMES, type TicketInclude } from '../tickets.includes.js';

export const TICKET_SORT_FIELDS = ['priority', 'createdAt', 'updatedAt', 'dueAt', 'number'] as const;
export type TicketSortField = (typeof TICKET_SORT_FIELDS)[number];

export class ListTicketsQuery extends PageQuery {
  @SortParam(TICKET_SORT_FIELDS, '-createdAt')
  sort?: string;

  @EnumListFilter(TicketStatus, { example: 'OPEN,REOPENED' })
  status?: TicketStatus[];

  @EnumListFilter(TicketPriority, { example: 'HIGH,URGENT' })
  priority?: TicketPriority[];

  @UuidFilter('Only tickets this member is assigned to')
  assignedToId?: string;

  @DeprecatedUuidFilter('assignedToId')
  assigneeId?: string;

  @UuidFilter()
  contactId?: string;

  @UuidFilter()
  listingId?: string;

  @ExactTextFilter('Exact category, case-insensitive', 100)
  category?: string;

  @BooleanFilter('true: open and past dueAt; false: not overdue')
  overdue?: boolean;

  @RangeFrom('createdAt', 'instant')
  createdFrom?: Date;

  @RangeTo('createdAt', 'instant')
  createdTo?: Date;

  @SearchFilter('A ticket number ("T-1042" or "1042"), or case-insensitive text in title or description')
  q?: string;

  @IdsParam('tickets')
  ids?: string[];

  @IncludeParam(TICKET_INCLUDE_NAMES)
  include?: TicketInclude[];
}

export class TicketPeriodQuery {
  @InstantBound('Inclusive')
  from?: Date;

  @InstantBound('Exclusive')
  to?: Date;
}

/** GET /v1/tickets/{id}: the related records to add. */
export class TicketIncludeQuery {
  @IncludeParam(TICKET_INCLUDE_NAMES)
  include?: TicketInclude[];
}
