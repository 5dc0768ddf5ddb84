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
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { ActivitiesService } from './activities.service.js';
import { CompleteActivityInput, CreateActivityInput, UpdateActivityInput } from './dto/activity.input.js';
import { ActivityOutput } from './dto/activity.output.js';
import { ListActivitiesQuery } from './dto/list-activities.query.js';

const NOT_FOUND = {
  type: ErrorBody,
  description: 'No such activity in this organization (or not visible to an AGENT)',
};
const RULES = {
  type: ErrorBody,
  description: 'ACTIVITY_SUBJECT_REQUIRED, INVALID_REFERENCE (a linked record does not exist) or INVALID_ASSIGNEE',
};

@ApiTags('activities')
@TenantRoute()
@Controller({ path: 'activities', version: '1' })
export class ActivitiesController {
  constructor(private readonly activities: ActivitiesService) {}

  @Post()
  @ApiOperation({
    summary: 'Log an activity on a lead, contact, deal and/or listing',
    description:
      'With completedAt, a CALL, EMAIL, MEETING or SHOWING updates the linked lead’s and contact’s lastContactAt ' +
      '(and moves a NEW_LEAD to IN_CONTACT).',
  })
  @ApiCreatedResponse({ type: ActivityOutput })
  @ApiUnprocessableEntityResponse(RULES)
  create(@Body() input: CreateActivityInput): Promise<ActivityOutput> {
    return this.activities.create(input);
  }

  @Get()
  @ApiOperation({
    summary: 'List activities',
    description:
      'An AGENT sees the activities they created or are assigned to, and those whose linked records they can all see.',
  })
  @ApiOkResponse({ type: PageOf(ActivityOutput) })
  list(@Query() query: ListActivitiesQuery): Promise<Page<ActivityOutput>> {
    return this.activities.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an activity' })
  @ApiOkResponse({ type: ActivityOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@IdParam() id: string): Promise<ActivityOutput> {
    return this.activities.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update an activity (only the fields sent)' })
  @ApiOkResponse({ type: ActivityOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse(RULES)
  update(@IdParam() id: string, @Body() input: UpdateActivityInput): Promise<ActivityOutput> {
    return this.activities.update(id, input);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an activity (for good)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@IdParam() id: string): Promise<void> {
    return this.activities.remove(id);
  }

  @Post(':id/complete')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark an activity done now, optionally with its outcome' })
  @ApiOkResponse({ type: ActivityOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ErrorBody, description: 'ACTIVITY_ALREADY_COMPLETED' })
  complete(@IdParam() id: string, @Body() input: CompleteActivityInput): Promise<ActivityOutput> {
    return this.activities.complete(id, input);
  }

  @Post(':id/reopen')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Reopen a completed activity' })
  @ApiOkResponse({ type: ActivityOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ErrorBody, description: 'ACTIVITY_NOT_COMPLETED' })
  reopen(@IdParam() id: string): Promise<ActivityOutput> {
    return this.activities.reopen(id);
  }
}
