import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import {
  DecimalFilter,
  EnumListFilter,
  IncludeDeletedFilter,
  SearchFilter,
  UuidFilter,
} from '../../common/query-filters.js';
import { SortParam } from '../../common/sort.js';
import { DealStage, DealStatus } from '../../generated/prisma/enums.js';
import { MONEY, moneyMessage } from '../../common/dto-fields.js';
import { RangeFrom, RangeTo } from '../../common/dates.js';
import { DEAL_INCLUDE_NAMES, type DealInclude } from '../deals.includes.js';

export const DEAL_SORT_FIELDS = ['createdAt', 'updatedAt', 'value', 'expectedCloseDate', 'title'] as const;
export type DealSortField = (typeof DEAL_SORT_FIELDS)[number];

const VALUE_MESSAGE = moneyMessage('450000.00');

/** GET /v1/deals/pipeline: live deals, optionally one assignee's and/or an expected-close window. */
export class PipelineQuery {
  @UuidFilter()
  assignedToId?: string;

  @RangeFrom('expectedCloseDate', 'date')
  expectedCloseFrom?: Date;

  @RangeTo('expectedCloseDate', 'date')
  expectedCloseTo?: Date;
}

export class ListDealsQuery extends PageQuery {
  @SortParam(DEAL_SORT_FIELDS, '-createdAt')
  sort?: string;

  @EnumListFilter(DealStage, { example: 'PROPOSAL,NEGOTIATION' })
  stage?: DealStage[];

  @EnumListFilter(DealStatus, { example: 'ACTIVE,WON' })
  status?: DealStatus[];

  @UuidFilter()
  assignedToId?: string;

  @UuidFilter()
  contactId?: string;

  @UuidFilter()
  leadId?: string;

  @UuidFilter()
  listingId?: string;

  @DecimalFilter(MONEY, 'Minimum value (inclusive), decimal string', `valueMin ${VALUE_MESSAGE}`)
  valueMin?: string;

  @DecimalFilter(MONEY, 'Maximum value (inclusive), decimal string', `valueMax ${VALUE_MESSAGE}`)
  valueMax?: string;

  @RangeFrom('expectedCloseDate', 'date')
  expectedCloseFrom?: Date;

  @RangeTo('expectedCloseDate', 'date')
  expectedCloseTo?: Date;

  @SearchFilter('Case-insensitive search in the title')
  q?: string;

  @IncludeDeletedFilter('deals')
  includeDeleted?: boolean;

  @IdsParam('deals')
  ids?: string[];

  @IncludeParam(DEAL_INCLUDE_NAMES)
  include?: DealInclude[];
}

/** GET /v1/deals/{id}: the related records to add. */
export class DealIncludeQuery {
  @IncludeParam(DEAL_INCLUDE_NAMES)
  include?: DealInclude[];
}
