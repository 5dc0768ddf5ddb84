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
import { LeadPriority, LeadScore, LeadSource, LeadStatus } from '../../generated/prisma/enums.js';
import { RangeFrom, RangeTo } from '../../common/dates.js';
import { LEAD_INCLUDE_NAMES, type LeadInclude } from '../leads.includes.js';

export const LEAD_SORT_FIELDS = ['createdAt', 'updatedAt', 'name', 'scoreValue'] as const;
export type LeadSortField = (typeof LEAD_SORT_FIELDS)[number];

export class ListLeadsQuery extends PageQuery {
  @SortParam(LEAD_SORT_FIELDS, '-createdAt')
  sort?: string;

  @EnumListFilter(LeadStatus, { example: 'NEW_LEAD,IN_CONTACT' })
  status?: LeadStatus[];

  @EnumListFilter(LeadSource, { example: 'WEBSITE,REFERRAL' })
  source?: LeadSource[];

  @EnumListFilter(LeadScore, { example: 'HOT,WARM' })
  score?: LeadScore[];

  @EnumListFilter(LeadPriority, { example: 'HIGH,URGENT' })
  priority?: LeadPriority[];

  @UuidFilter()
  assignedToId?: string;

  @UuidFilter('Only leads of this campaign')
  campaignId?: string;

  @TagFilter()
  tag?: string;

  @RangeFrom('createdAt', 'instant')
  createdFrom?: Date;

  @RangeTo('createdAt', 'instant')
  createdTo?: Date;

  @SearchFilter('Case-insensitive search over name, email, phone and company')
  q?: string;

  @IncludeDeletedFilter('leads')
  includeDeleted?: boolean;

  @IdsParam('leads')
  ids?: string[];

  @IncludeParam(LEAD_INCLUDE_NAMES)
  include?: LeadInclude[];
}

/** GET /v1/leads/{id}: the related records to add. */
export class LeadIncludeQuery {
  @IncludeParam(LEAD_INCLUDE_NAMES)
  include?: LeadInclude[];
}
