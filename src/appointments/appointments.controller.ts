import { Get, Header, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { PageOf } from '../common/pagination.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { MAX_ICS_EVENT_LENGTH } from './appointments.calendar.js';
import { AppointmentsService, MAX_CALENDAR_EVENTS } from './appointments.service.js';
import {
  CancelAppointmentInput,
  CreateAppointmentInput,
  RescheduleAppointmentInput,
  UpdateAppointmentInput,
} from './dto/appointment.input.js';
import { AppointmentOutput } from './dto/appointment.output.js';
import { AppointmentIncludeQuery, CalendarQuery, ListAppointmentsQuery } from './dto/list-appointments.query.js';

/** APPOINTMENT_CONFLICT: the agent has another live appointment overlapping the slot (ref.appointmentIds). */
const BOOKING_RULES = [ErrorCode.AppointmentConflict, ErrorCode.InvalidAssignee, ErrorCode.InvalidReference] as const;

@TenantController('appointments')
@ResourceRoutes('appointment', {
  create: {
    summary: 'Book an appointment',
    description: 'The agent defaults to the caller; an AGENT books only their own calendar.',
    body: CreateAppointmentInput,
    ok: AppointmentOutput,
    created: '/v1/appointments/{id}',
    errors: [...BOOKING_RULES, ErrorCode.BusinessRule],
  },
  list: {
    summary: 'List the appointments overlapping a window [from, to) of at most 92 days',
    description: 'An AGENT sees their own appointments and those whose linked lead, deal and listing they can see.',
    query: ListAppointmentsQuery,
    ok: PageOf(AppointmentOutput),
    errors: [ErrorCode.BusinessRule],
  },
  get: { summary: 'Get an appointment', query: AppointmentIncludeQuery, ok: AppointmentOutput },
  update: {
    summary: 'Update an appointment (only the fields sent; times change through reschedule)',
    body: UpdateAppointmentInput,
    ok: AppointmentOutput,
    errors: [...BOOKING_RULES, ErrorCode.InvalidStatusTransition],
  },
  delete: { summary: 'Delete an appointment (for good; cancel keeps a record)' },
  actions: {
    reschedule: {
      path: 'reschedule',
      summary: 'Move an appointment to a new slot (it becomes SCHEDULED again)',
      body: RescheduleAppointmentInput,
      ok: AppointmentOutput,
      errors: [ErrorCode.AppointmentConflict, ErrorCode.InvalidStatusTransition, ErrorCode.BusinessRule],
    },
    cancel: {
      path: 'cancel',
      summary: 'Cancel an appointment, freeing its slot',
      body: CancelAppointmentInput,
      ok: AppointmentOutput,
      errors: [ErrorCode.InvalidStatusTransition],
    },
    complete: {
      path: 'complete',
      summary: 'Mark an appointment as held',
      ok: AppointmentOutput,
      errors: [ErrorCode.InvalidStatusTransition],
    },
  },
})
export class AppointmentsController {
  constructor(readonly service: AppointmentsService) {}

  @Get('calendar.ics')
  @Header('content-type', 'text/calendar; charset=utf-8')
  @Header('content-disposition', 'inline; filename="appointments.ics"')
  @Endpoint({
    summary: 'The appointments as an iCalendar (RFC 5545) feed',
    description:
      'Window defaults to 30 days back through 62 days ahead (at most 92 days); cancelled ones are STATUS:CANCELLED.',
    ok: {
      mediaType: 'text/calendar',
      maxLength: MAX_CALENDAR_EVENTS * MAX_ICS_EVENT_LENGTH,
      example: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\n…',
    },
    errors: [ErrorCode.BusinessRule],
  })
  calendar(@Query() query: CalendarQuery): Promise<string> {
    return this.service.calendar(query);
  }
}
