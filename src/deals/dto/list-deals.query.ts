import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { CommaList, QueryBoolean, Trim } from '../../common/query-transforms.js';
import { SortParam } from '../../common/sort.js';
import { DealStage, DealStatus } from '../../generated/prisma/enums.js';
import { MONEY, MONEY_MESSAGE } from './deal.input.js';
import { RangeFrom, RangeTo } from '../../common/dates.js';
import { DEAL_INCLUDE_NAMES, type DealInclude } from '../deals.includes.js';

export const DEAL_SORT_FIELDS = ['createdAt', 'updatedAt', 'value', 'expectedCloseDate', 'title'] as const;
export type DealSortField = (typeof DEAL_SORT_FIELDS)[number];

/** GET /v1/deals/pipeline: live deals, optionally one assignee's and/or an expected-close window. */
export class PipelineQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assignedToId?: string;

  @RangeFrom('expectedCloseDate', 'date')
  expectedCloseFrom?: Date;

  @RangeTo('expectedCloseDate', 'date')
  expectedCloseTo?: Date;
}

export class ListDealsQuery extends PageQuery {
  @SortParam(DEAL_SORT_FIELDS, '-createdAt')
  sort?: string;

  @ApiPropertyOptional({
    enum: DealStage,
    isArray: true,
    description: 'Comma-separated, e.g. PROPOSAL,NEGOTIATION',
  })
  @IsOptional()
  @CommaList()
  @IsEnum(DealStage, { each: true })
  stage?: DealStage[];

  @ApiPropertyOptional({ enum: DealStatus, isArray: true, description: 'Comma-separated, e.g. ACTIVE,WON' })
  @IsOptional()
  @CommaList()
  @IsEnum(DealStatus, { each: true })
  status?: DealStatus[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assignedToId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  leadId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  listingId?: string;

  @ApiPropertyOptional({ description: 'Minimum value (inclusive), decimal string' })
  @IsOptional()
  @Matches(MONEY, { message: `valueMin ${MONEY_MESSAGE}` })
  valueMin?: string;

  @ApiPropertyOptional({ description: 'Maximum value (inclusive), decimal string' })
  @IsOptional()
  @Matches(MONEY, { message: `valueMax ${MONEY_MESSAGE}` })
  valueMax?: string;

  @RangeFrom('expectedCloseDate', 'date')
  expectedCloseFrom?: Date;

  @RangeTo('expectedCloseDate', 'date')
  expectedCloseTo?: Date;

  @ApiPropertyOptional({ description: 'Case-insensitive search in the title' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Also list soft-deleted deals (ADMIN only)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
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
