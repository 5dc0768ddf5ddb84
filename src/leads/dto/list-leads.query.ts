import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { CommaList, QueryBoolean, Trim } from '../../common/query-transforms.js';
import { SortParam } from '../../common/sort.js';
import { LeadScore, LeadSource, LeadStatus } from '../../generated/prisma/enums.js';
import { RangeFrom, RangeTo } from '../../common/dates.js';
import { LEAD_INCLUDE_NAMES, type LeadInclude } from '../leads.includes.js';

export const LEAD_SORT_FIELDS = ['createdAt', 'updatedAt', 'name', 'scoreValue'] as const;
export type LeadSortField = (typeof LEAD_SORT_FIELDS)[number];

export class ListLeadsQuery extends PageQuery {
  @SortParam(LEAD_SORT_FIELDS, '-createdAt')
  sort?: string;

  @ApiPropertyOptional({
    enum: LeadStatus,
    isArray: true,
    description: 'Comma-separated, e.g. NEW_LEAD,IN_CONTACT',
  })
  @IsOptional()
  @CommaList()
  @IsEnum(LeadStatus, { each: true })
  status?: LeadStatus[];

  @ApiPropertyOptional({ enum: LeadSource, isArray: true, description: 'Comma-separated, e.g. WEBSITE,REFERRAL' })
  @IsOptional()
  @CommaList()
  @IsEnum(LeadSource, { each: true })
  source?: LeadSource[];

  @ApiPropertyOptional({ enum: LeadScore, isArray: true, description: 'Comma-separated, e.g. HOT,WARM' })
  @IsOptional()
  @CommaList()
  @IsEnum(LeadScore, { each: true })
  score?: LeadScore[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assignedToId?: string;

  @ApiPropertyOptional({})
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  @RangeFrom('createdAt', 'instant')
  createdFrom?: Date;

  @RangeTo('createdAt', 'instant')
  createdTo?: Date;

  @ApiPropertyOptional({
    description: 'Case-insensitive search over name, email, phone and company',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Also list soft-deleted leads (ADMIN only)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
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
