import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsUUID } from 'class-validator';
import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { CommaList, QueryBoolean } from '../../common/query-transforms.js';
import { SortParam } from '../../common/sort.js';
import { ActivityType } from '../../generated/prisma/enums.js';
import { RangeFrom, RangeTo } from '../../common/dates.js';
import { ACTIVITY_INCLUDE_NAMES, type ActivityInclude } from '../activities.includes.js';

export const ACTIVITY_SORT_FIELDS = ['dueDate', 'createdAt', 'completedAt'] as const;
export type ActivitySortField = (typeof ACTIVITY_SORT_FIELDS)[number];

export class ListActivitiesQuery extends PageQuery {
  @SortParam(ACTIVITY_SORT_FIELDS, '-createdAt')
  sort?: string;

  @ApiPropertyOptional({ enum: ActivityType, isArray: true, description: 'Comma-separated, e.g. CALL,MEETING' })
  @IsOptional()
  @CommaList()
  @IsEnum(ActivityType, { each: true })
  type?: ActivityType[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assignedToId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  leadId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  dealId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  listingId?: string;

  @RangeFrom('dueDate', 'instant')
  dueFrom?: Date;

  @RangeTo('dueDate', 'instant')
  dueTo?: Date;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: due before now and not completed; false: everything else',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ type: Boolean, description: 'true: completed; false: still open' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
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
