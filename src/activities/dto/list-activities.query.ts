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

const UUID_EXAMPLE = '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b';

export class ListActivitiesQuery extends PageQuery {
  @SortParam(ACTIVITY_SORT_FIELDS, '-createdAt')
  sort?: string;

  @ApiPropertyOptional({ enum: ActivityType, isArray: true, description: 'Comma-separated', example: 'CALL,MEETING' })
  @IsOptional()
  @CommaList()
  @IsEnum(ActivityType, { each: true })
  type?: ActivityType[];

  @ApiPropertyOptional({ format: 'uuid', example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d' })
  @IsOptional()
  @IsUUID()
  assignedToId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: UUID_EXAMPLE })
  @IsOptional()
  @IsUUID()
  leadId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: UUID_EXAMPLE })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: UUID_EXAMPLE })
  @IsOptional()
  @IsUUID()
  dealId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: UUID_EXAMPLE })
  @IsOptional()
  @IsUUID()
  listingId?: string;

  @RangeFrom('dueDate', 'instant')
  dueFrom?: Date;

  @RangeTo('dueDate', 'instant')
  dueTo?: Date;

  @ApiPropertyOptional({
    type: Boolean,
    example: true,
    description: 'true: due before now and not completed; false: everything else',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ type: Boolean, example: false, description: 'true: completed; false: still open' })
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
