import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { AppointmentsService } from './appointments.service.js';
import {
  CancelAppointmentInput,
  CreateAppointmentInput,
  RescheduleAppointmentInput,
  UpdateAppointmentInput,
} from './dto/appointment.input.js';
import { AppointmentOutput } from './dto/appointment.output.js';
import { CalendarQuery, ListAppointmentsQuery } from './dto/list-appointments.query.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such appointment in this organization (or not visible)' };
const CONFLICT = {
  type: ErrorBody,
  description:
    'APPOINTMENT_CONFLICT: the agent has another live appointment overlapping the slot; ' +
    'details[0] is { field: "conflictingAppointmentId", message: <its id> }',
};
const INVALID_STATE = { type: ErrorBody, description: 'INVALID_STATUS_TRANSITION' };

@ApiTags('appointments')
@TenantRoute()
@Controller({ path: 'appointments', version: '1' })
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Post()
  @ApiOperation({
    summary: 'Book an appointment',
    description: 'The agent defaults to the caller; an AGENT books only their own calendar.',
  })
  @ApiCreatedResponse({ type: AppointmentOutput })
  @ApiConflictResponse(CONFLICT)
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'INVALID_ASSIGNEE or INVALID_REFERENCE' })
  create(@Body() input: CreateAppointmentInput): Promise<AppointmentOutput> {
    return this.appointments.create(input);
  }

  @Get()
  @ApiOperation({
    summary: 'List the appointments overlapping a window [from, to) of at most 92 days',
    description: 'An AGENT sees their own appointments and those whose linked lead, deal and listing they can see.',
  })
  @ApiOkResponse({ type: PageOf(AppointmentOutput) })
  list(@Query() query: ListAppointmentsQuery): Promise<Page<AppointmentOutput>> {
    return this.appointments.list(query);
  }

  @Get('calendar.ics')
  @Header('content-type', 'text/calendar; charset=utf-8')
  @Header('content-disposition', 'inline; filename="appointments.ics"')
  @ApiProduces('text/calendar')
  @ApiOperation({
    summary: 'The appointments as an iCalendar (RFC 5545) feed',
    description:
      'Window defaults to 30 days back through 62 days ahead (at most 92 days); cancelled ones are STATUS:CANCELLED.',
  })
  @ApiOkResponse({
    description: 'text/calendar',
    content: { 'text/calendar': { schema: { type: 'string', example: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\n…' } } },
  })
  calendar(@Query() query: CalendarQuery): Promise<string> {
    return this.appointments.calendar(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an appointment' })
  @ApiOkResponse({ type: AppointmentOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@IdParam() id: string): Promise<AppointmentOutput> {
    return this.appointments.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update an appointment (only the fields sent; times change through reschedule)' })
  @ApiOkResponse({ type: AppointmentOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse(CONFLICT)
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'INVALID_STATUS_TRANSITION, INVALID_ASSIGNEE or INVALID_REFERENCE',
  })
  update(@IdParam() id: string, @Body() input: UpdateAppointmentInput): Promise<AppointmentOutput> {
    return this.appointments.update(id, input);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an appointment (for good; cancel keeps a record)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@IdParam() id: string): Promise<void> {
    return this.appointments.remove(id);
  }

  @Post(':id/reschedule')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Move an appointment to a new slot (it becomes SCHEDULED again)' })
  @ApiOkResponse({ type: AppointmentOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse(CONFLICT)
  @ApiUnprocessableEntityResponse(INVALID_STATE)
  reschedule(@IdParam() id: string, @Body() input: RescheduleAppointmentInput): Promise<AppointmentOutput> {
    return this.appointments.reschedule(id, input);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel an appointment, freeing its slot' })
  @ApiOkResponse({ type: AppointmentOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse(INVALID_STATE)
  cancel(@IdParam() id: string, @Body() input: CancelAppointmentInput): Promise<AppointmentOutput> {
    return this.appointments.cancel(id, input);
  }

  @Post(':id/complete')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark an appointment as held' })
  @ApiOkResponse({ type: AppointmentOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse(INVALID_STATE)
  complete(@IdParam() id: string): Promise<AppointmentOutput> {
    return this.appointments.complete(id);
  }
}
