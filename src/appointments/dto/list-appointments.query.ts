import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { CommaList } from '../../common/query-transforms.js';
import { SortParam } from '../../common/sort.js';
import { AppointmentStatus, AppointmentType } from '../../generated/prisma/enums.js';
import { IsInstant } from '../../common/dates.js';
import { APPOINTMENT_INCLUDE_NAMES, type AppointmentInclude } from '../appointments.includes.js';

export const APPOINTMENT_SORT_FIELDS = ['startsAt', 'createdAt'] as const;
export type AppointmentSortField = (typeof APPOINTMENT_SORT_FIELDS)[number];

/** The longest window one list or calendar request may span. */
export const MAX_WINDOW_DAYS = 92;

export class ListAppointmentsQuery extends PageQuery {
  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2026-11-01T00:00:00Z',
    description: `Window start: appointments ending after it. The window spans at most ${MAX_WINDOW_DAYS} days.`,
  })
  @IsInstant()
  from!: Date;

  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2026-12-01T00:00:00Z',
    description: 'Window end: appointments starting before it',
  })
  @IsInstant()
  to!: Date;

  @SortParam(APPOINTMENT_SORT_FIELDS, 'startsAt')
  sort?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this member's appointments (the appointment's agentId)" })
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
  agentId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  listingId?: string;

  @ApiPropertyOptional({
    enum: AppointmentStatus,
    isArray: true,
    description: 'Comma-separated, e.g. SCHEDULED,CONFIRMED',
  })
  @IsOptional()
  @CommaList()
  @IsEnum(AppointmentStatus, { each: true })
  status?: AppointmentStatus[];

  @ApiPropertyOptional({ enum: AppointmentType, isArray: true, description: 'Comma-separated, e.g. SHOWING' })
  @IsOptional()
  @CommaList()
  @IsEnum(AppointmentType, { each: true })
  type?: AppointmentType[];

  @IdsParam('appointments')
  ids?: string[];

  @IncludeParam(APPOINTMENT_INCLUDE_NAMES)
  include?: AppointmentInclude[];
}

/** The .ics feed: same filters, no paging; the window defaults to 30 days back and 62 ahead. */
export class CalendarQuery extends OmitType(ListAppointmentsQuery, [
  'from',
  'to',
  'page',
  'pageSize',
  'sort',
  'ids',
  'include',
] as const) {
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @IsInstant()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @IsInstant()
  to?: Date;
}

/** GET /v1/appointments/{id}: the related records to add. */
export class AppointmentIncludeQuery {
  @IncludeParam(APPOINTMENT_INCLUDE_NAMES)
  include?: AppointmentInclude[];
}
