import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { BooleanFilter, EnumListFilter, UuidFilter } from '../../common/query-filters.js';
import { SortParam } from '../../common/sort.js';
import { ActivityType } from '../../generated/prisma/enums.js';
import { RangeFrom, RangeTo } from '../../common/dates.js';
import { ACTIVITY_INCLUDE_NAMES, type ActivityInclude } from '../activities.includes.js';

export const ACTIVITY_SORT_FIELDS = ['dueDate', 'createdAt', 'completedAt'] as const;
export type ActivitySortField = (typeof ACTIVITY_SORT_FIELDS)[number];

export class ListActivitiesQuery extends PageQuery {
  @SortParam(ACTIVITY_SORT_FIELDS, '-createdAt')
  sort?: string;

  @EnumListFilter(ActivityType, { example: 'CALL,MEETING' })
  type?: ActivityType[];

  @UuidFilter()
  assignedToId?: string;

  @UuidFilter()
  leadId?: string;

  @UuidFilter()
  contactId?: string;

  @UuidFilter()
  dealId?: string;

  @UuidFilter()
  listingId?: string;

  @RangeFrom('dueDate', 'instant')
  dueFrom?: Date;

  @RangeTo('dueDate', 'instant')
  dueTo?: Date;

  @BooleanFilter('true: due before now and not completed; false: everything else')
  overdue?: boolean;

  @BooleanFilter('true: completed; false: still open')
  completed?: boolean;

  @IdsParam('activities')
  ids?: string[];

  @IncludeParam(ACTIVITY_INCLUDE_NAMES)
  include?: ActivityInclude[];
}

/** GET /v1/activities/{id}: the related records to add. */
export class ActivityIncludeQuery {
  @IncludeParam(ACTIVITY_INCLUDE_NAMES)
  include?: ActivityInclude[];
}
