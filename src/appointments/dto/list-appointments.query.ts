import { ApiProperty, OmitType } from '@nestjs/swagger';
import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { DeprecatedUuidFilter, EnumListFilter, UuidFilter } from '../../common/query-filters.js';
import { SortParam } from '../../common/sort.js';
import { AppointmentStatus, AppointmentType } from '../../generated/prisma/enums.js';
import { InstantBound, IsInstant } from '../../common/dates.js';
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

  @UuidFilter("Only this member's appointments (the appointment's agentId)")
  assignedToId?: string;

  @DeprecatedUuidFilter('assignedToId')
  agentId?: string;

  @UuidFilter()
  listingId?: string;

  @EnumListFilter(AppointmentStatus, { example: 'SCHEDULED,CONFIRMED' })
  status?: AppointmentStatus[];

  @EnumListFilter(AppointmentType, { example: 'SHOWING' })
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
  @InstantBound()
  from?: Date;

  @InstantBound()
  to?: Date;
}

/** GET /v1/appointments/{id}: the related records to add. */
export class AppointmentIncludeQuery {
  @IncludeParam(APPOINTMENT_INCLUDE_NAMES)
  include?: AppointmentInclude[];
}
