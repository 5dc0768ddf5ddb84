import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { CommaList, QueryBoolean, Trim } from '../../common/query-transforms.js';
import { SortParam } from '../../common/sort.js';
import { TicketPriority, TicketStatus } from '../../generated/prisma/enums.js';
import { IsInstant, RangeFrom, RangeTo } from '../../common/dates.js';
import { TICKET_INCLUDE_NAMES, type TicketInclude } from '../tickets.includes.js';

export const TICKET_SORT_FIELDS = ['priority', 'createdAt', 'updatedAt', 'dueAt', 'number'] as const;
export type TicketSortField = (typeof TICKET_SORT_FIELDS)[number];

export class ListTicketsQuery extends PageQuery {
  @SortParam(TICKET_SORT_FIELDS, '-createdAt')
  sort?: string;

  @ApiPropertyOptional({ enum: TicketStatus, isArray: true, description: 'Comma-separated, e.g. OPEN,REOPENED' })
  @IsOptional()
  @CommaList()
  @IsEnum(TicketStatus, { each: true })
  status?: TicketStatus[];

  @ApiPropertyOptional({ enum: TicketPriority, isArray: true, description: 'Comma-separated, e.g. HIGH,URGENT' })
  @IsOptional()
  @CommaList()
  @IsEnum(TicketPriority, { each: true })
  priority?: TicketPriority[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Only tickets this member is assigned to' })
  @IsOptional()
  @IsUUID()
  assignedToId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    deprecated: true,
    description: 'Old name of assignedToId; goes in the next release',
  })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  listingId?: string;

  @ApiPropertyOptional({ description: 'Exact category, case-insensitive' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  category?: string;

  @ApiPropertyOptional({ description: 'true: open and past dueAt; false: not overdue' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  overdue?: boolean;

  @RangeFrom('createdAt', 'instant')
  createdFrom?: Date;

  @RangeTo('createdAt', 'instant')
  createdTo?: Date;

  @ApiPropertyOptional({
    description: 'A ticket number ("T-1042" or "1042"), or case-insensitive text in title or description',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IdsParam('tickets')
  ids?: string[];

  @IncludeParam(TICKET_INCLUDE_NAMES)
  include?: TicketInclude[];
}

export class TicketPeriodQuery {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Inclusive' })
  @IsOptional()
  @IsInstant()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Exclusive' })
  @IsOptional()
  @IsInstant()
  to?: Date;
}

/** GET /v1/tickets/{id}: the related records to add. */
export class TicketIncludeQuery {
  @IncludeParam(TICKET_INCLUDE_NAMES)
  include?: TicketInclude[];
}
