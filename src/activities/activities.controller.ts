import { Body, Controller, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { ActivitiesService } from './activities.service.js';
import { CompleteActivityInput, CreateActivityInput, UpdateActivityInput } from './dto/activity.input.js';
import { ActivityOutput } from './dto/activity.output.js';
import { ActivityIncludeQuery, ListActivitiesQuery } from './dto/list-activities.query.js';

/** INVALID_REFERENCE: a linked record does not exist. */
const WRITE_RULES = [ErrorCode.ActivitySubjectRequired, ErrorCode.InvalidReference, ErrorCode.InvalidAssignee] as const;

@TenantRoute('activities')
@Controller({ path: 'activities', version: '1' })
export class ActivitiesController {
  constructor(private readonly activities: ActivitiesService) {}

  @Post()
  @Endpoint({
    summary: 'Log an activity on a lead, contact, deal and/or listing',
    description:
      'With completedAt, a CALL, EMAIL, MEETING or SHOWING updates the linked lead’s and contact’s lastContactAt ' +
      '(and moves a NEW_LEAD to IN_CONTACT).',
    ok: ActivityOutput,
    created: '/v1/activities/{id}',
    errors: WRITE_RULES,
  })
  create(@Body() input: CreateActivityInput): Promise<ActivityOutput> {
    return this.activities.create(input);
  }

  @Get()
  @Endpoint({
    summary: 'List activities',
    description:
      'An AGENT sees the activities they created or are assigned to, and those whose linked records they can all see.',
    ok: PageOf(ActivityOutput),
  })
  list(@Query() query: ListActivitiesQuery): Promise<Page<ActivityOutput>> {
    return this.activities.list(query);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get an activity', ok: ActivityOutput })
  get(@IdParam() id: string, @Query() query: ActivityIncludeQuery): Promise<ActivityOutput> {
    return this.activities.get(id, query.include);
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Update an activity (only the fields sent)',
    ok: ActivityOutput,
    errors: WRITE_RULES,
    ifMatch: 'activity',
  })
  update(@IdParam() id: string, @Body() input: UpdateActivityInput): Promise<ActivityOutput> {
    return this.activities.update(id, input);
  }

  @Delete(':id')
  @Endpoint({ summary: 'Delete an activity (for good)', ok: null, ifMatch: 'activity' })
  remove(@IdParam() id: string): Promise<void> {
    return this.activities.remove(id);
  }

  @Post(':id/complete')
  @Endpoint({
    summary: 'Mark an activity done now, optionally with its outcome',
    ok: ActivityOutput,
    errors: [ErrorCode.ActivityAlreadyCompleted],
    ifMatch: 'activity',
  })
  complete(@IdParam() id: string, @Body() input: CompleteActivityInput): Promise<ActivityOutput> {
    return this.activities.complete(id, input);
  }

  @Post(':id/reopen')
  @Endpoint({
    summary: 'Reopen a completed activity',
    ok: ActivityOutput,
    errors: [ErrorCode.ActivityNotCompleted],
    ifMatch: 'activity',
  })
  reopen(@IdParam() id: string): Promise<ActivityOutput> {
    return this.activities.reopen(id);
  }
}
