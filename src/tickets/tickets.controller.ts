import { Body, Delete, Get, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { ListTicketsQuery, TicketIncludeQuery, TicketPeriodQuery } from './dto/list-tickets.query.js';
import { AddAssigneeInput, CreateTicketInput, TransitionTicketInput, UpdateTicketInput } from './dto/ticket.input.js';
import {
  TicketAssigneeOutput,
  TicketOutput,
  TicketStatsOutput,
  TicketStatusChangeOutput,
  WorkloadOutput,
} from './dto/ticket.output.js';
import { TICKET_WORKFLOW_TEXT } from './ticket-status.js';
import { TicketStatsService } from './ticket-stats.service.js';
import { TicketsService } from './tickets.service.js';

@TenantController('tickets')
@ResourceRoutes('ticket', {
  create: {
    summary: 'Open a ticket (status OPEN, numbered T-<n> per organization)',
    body: CreateTicketInput,
    ok: TicketOutput,
    created: '/v1/tickets/{id}',
    errors: [ErrorCode.InvalidAssignee, ErrorCode.InvalidReference],
  },
  list: {
    summary: 'List tickets',
    description: 'An AGENT sees only tickets they created or are assigned to.',
    query: ListTicketsQuery,
    ok: PageOf(TicketOutput),
  },
  get: { summary: 'Get a ticket', query: TicketIncludeQuery, ok: TicketOutput },
  update: {
    summary: 'Update a ticket (only the fields sent)',
    description: TICKET_WORKFLOW_TEXT,
    body: UpdateTicketInput,
    ok: TicketOutput,
    errors: [ErrorCode.InvalidStatusTransition, ErrorCode.InvalidReference],
  },
  delete: {
    summary: 'Delete a ticket with its history, comments, attachments and share links',
    roles: ['ADMIN', 'MANAGER'],
  },
  actions: {
    transition: {
      path: 'transition',
      summary: 'Move a ticket along its workflow, with an optional note',
      description: TICKET_WORKFLOW_TEXT,
      body: TransitionTicketInput,
      ok: TicketOutput,
      errors: [ErrorCode.InvalidStatusTransition],
    },
  },
  histories: {
    history: {
      path: 'history',
      summary: 'Status changes of a ticket, oldest first (however they were made)',
      ok: PageOf(TicketStatusChangeOutput),
    },
  },
})
export class TicketsController {
  constructor(
    readonly service: TicketsService,
    private readonly stats: TicketStatsService,
  ) {}

  @Get('stats')
  @Endpoint({
    summary: 'Ticket metrics for tickets created in [from, to)',
    description:
      'Counts by status and by priority, open and overdue counts, and median seconds to the first response ' +
      'and to resolution (percentile_cont(0.5)), over the tickets the caller can see.',
    ok: TicketStatsOutput,
  })
  summary(@Query() period: TicketPeriodQuery): Promise<TicketStatsOutput> {
    return this.stats.summary(period);
  }

  @Get('workload')
  @Endpoint({
    summary: 'Per member: assigned tickets open and overdue now, and resolved in [from, to)',
    ok: WorkloadOutput,
  })
  workload(@Query() period: TicketPeriodQuery): Promise<WorkloadOutput> {
    return this.stats.workload(period);
  }

  @Post(':id/assignees')
  @Endpoint({
    summary: 'Assign a member to the ticket (they are notified)',
    ok: TicketAssigneeOutput,
    created: '/v1/tickets/{:id}/assignees/{userId}',
    errors: [ErrorCode.AlreadyAssigned, ErrorCode.InvalidAssignee],
    ifMatch: 'ticket',
  })
  addAssignee(@IdParam() id: string, @Body() input: AddAssigneeInput): Promise<TicketAssigneeOutput> {
    return this.service.addAssignee(id, input);
  }

  @Get(':id/assignees/:userId')
  @Endpoint({ summary: 'One assignee of the ticket', ok: TicketAssigneeOutput })
  getAssignee(@IdParam() id: string, @IdParam('userId') userId: string): Promise<TicketAssigneeOutput> {
    return this.service.getAssignee(id, userId);
  }

  @Delete(':id/assignees/:userId')
  @Endpoint({
    summary: 'Unassign a member from the ticket',
    description: 'NOT_FOUND also when the member is not assigned.',
    ok: null,
    ifMatch: 'ticket',
  })
  removeAssignee(@IdParam() id: string, @IdParam('userId') userId: string): Promise<void> {
    return this.service.removeAssignee(id, userId);
  }
}
