import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { type Page, PageOf, PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { ListTicketsQuery, TicketPeriodQuery } from './dto/list-tickets.query.js';
import { AddAssigneeInput, CreateTicketInput, TransitionTicketInput, UpdateTicketInput } from './dto/ticket.input.js';
import {
  TicketAssigneeOutput,
  TicketOutput,
  TicketStatsOutput,
  TicketStatusChangeOutput,
  WorkloadOutput,
} from './dto/ticket.output.js';
import { TicketStatsService } from './ticket-stats.service.js';
import { TicketsService } from './tickets.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such ticket in this organization (or not visible to an AGENT)' };
const TRANSITIONS =
  'Workflow: OPEN → IN_PROGRESS | PENDING_CUSTOMER | RESOLVED | CLOSED; IN_PROGRESS → PENDING_CUSTOMER | RESOLVED | ' +
  'CLOSED; PENDING_CUSTOMER → IN_PROGRESS | RESOLVED | CLOSED; RESOLVED → CLOSED | REOPENED; CLOSED → REOPENED; ' +
  'REOPENED → IN_PROGRESS | PENDING_CUSTOMER | RESOLVED | CLOSED. Any other move is 422 INVALID_STATUS_TRANSITION ' +
  'with the allowed next statuses in details. Every change is recorded in the history; resolvedAt is set on ' +
  'RESOLVED (or CLOSED without it) and cleared on REOPENED, closedAt is set on CLOSED and cleared on REOPENED.';

@ApiTags('tickets')
@TenantRoute()
@Controller({ path: 'tickets', version: '1' })
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly stats: TicketStatsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Open a ticket (status OPEN, numbered T-<n> per organization)' })
  @ApiCreatedResponse({ type: TicketOutput })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'INVALID_ASSIGNEE, INVALID_REFERENCE' })
  create(@Body() input: CreateTicketInput): Promise<TicketOutput> {
    return this.tickets.create(input);
  }

  @Get()
  @ApiOperation({ summary: 'List tickets (an AGENT sees only tickets they created or are assigned to)' })
  @ApiOkResponse({ type: PageOf(TicketOutput) })
  list(@Query() query: ListTicketsQuery): Promise<Page<TicketOutput>> {
    return this.tickets.list(query);
  }

  // Static paths before /:id.
  @Get('stats')
  @ApiOperation({
    summary: 'Ticket metrics for tickets created in [from, to)',
    description:
      'Counts by status and by priority, open and overdue counts, and median seconds to the first response ' +
      'and to resolution (percentile_cont(0.5)), over the tickets the caller can see.',
  })
  @ApiOkResponse({ type: TicketStatsOutput })
  summary(@Query() period: TicketPeriodQuery): Promise<TicketStatsOutput> {
    return this.stats.summary(period);
  }

  @Get('workload')
  @ApiOperation({ summary: 'Per member: assigned tickets open and overdue now, and resolved in [from, to)' })
  @ApiOkResponse({ type: WorkloadOutput })
  workload(@Query() period: TicketPeriodQuery): Promise<WorkloadOutput> {
    return this.stats.workload(period);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a ticket' })
  @ApiOkResponse({ type: TicketOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@IdParam() id: string): Promise<TicketOutput> {
    return this.tickets.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a ticket (only the fields sent)', description: TRANSITIONS })
  @ApiOkResponse({ type: TicketOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'INVALID_STATUS_TRANSITION, INVALID_REFERENCE' })
  update(@IdParam() id: string, @Body() input: UpdateTicketInput): Promise<TicketOutput> {
    return this.tickets.update(id, input);
  }

  @Delete(':id')
  @Roles('ADMIN', 'MANAGER')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a ticket with its history, comments, attachments and share links' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@IdParam() id: string): Promise<void> {
    return this.tickets.remove(id);
  }

  @Post(':id/transition')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Move a ticket along its workflow, with an optional note', description: TRANSITIONS })
  @ApiOkResponse({ type: TicketOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'INVALID_STATUS_TRANSITION' })
  transition(@IdParam() id: string, @Body() input: TransitionTicketInput): Promise<TicketOutput> {
    return this.tickets.transition(id, input);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Status changes of a ticket, oldest first (however they were made)' })
  @ApiOkResponse({ type: PageOf(TicketStatusChangeOutput) })
  @ApiNotFoundResponse(NOT_FOUND)
  history(@IdParam() id: string, @Query() page: PageQuery): Promise<Page<TicketStatusChangeOutput>> {
    return this.tickets.history(id, page);
  }

  @Post(':id/assignees')
  @ApiOperation({ summary: 'Assign a member to the ticket (they are notified)' })
  @ApiCreatedResponse({ type: TicketAssigneeOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ErrorBody, description: 'ALREADY_ASSIGNED' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'INVALID_ASSIGNEE: not a member' })
  addAssignee(@IdParam() id: string, @Body() input: AddAssigneeInput): Promise<TicketAssigneeOutput> {
    return this.tickets.addAssignee(id, input);
  }

  @Delete(':id/assignees/:userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Unassign a member from the ticket' })
  @ApiNoContentResponse({ description: 'Unassigned' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such ticket, or the member is not assigned' })
  removeAssignee(@IdParam() id: string, @IdParam('userId') userId: string): Promise<void> {
    return this.tickets.removeAssignee(id, userId);
  }
}
