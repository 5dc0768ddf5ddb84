import { ErrorCode } from '../common/errors.js';
import { PageOf } from '../common/pagination.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { ActivitiesService } from './activities.service.js';
import { CompleteActivityInput, CreateActivityInput, UpdateActivityInput } from './dto/activity.input.js';
import { ActivityOutput } from './dto/activity.output.js';
import { ActivityIncludeQuery, ListActivitiesQuery } from './dto/list-activities.query.js';

/** INVALID_REFERENCE: a linked record does not exist. */
const WRITE_RULES = [ErrorCode.ActivitySubjectRequired, ErrorCode.InvalidReference, ErrorCode.InvalidAssignee] as const;

@TenantController('activities')
@ResourceRoutes('activity', {
  create: {
    summary: 'Log an activity on a lead, contact, deal and/or listing',
    description:
      'With completedAt, a CALL, EMAIL, MEETING or SHOWING updates the linked lead’s and contact’s lastContactAt ' +
      '(and moves a NEW_LEAD to IN_CONTACT).',
    body: CreateActivityInput,
    ok: ActivityOutput,
    created: '/v1/activities/{id}',
    errors: WRITE_RULES,
  },
  list: {
    summary: 'List activities',
    description:
      'An AGENT sees the activities they created or are assigned to, and those whose linked records they can all see.',
    query: ListActivitiesQuery,
    ok: PageOf(ActivityOutput),
  },
  get: { summary: 'Get an activity', query: ActivityIncludeQuery, ok: ActivityOutput },
  update: {
    summary: 'Update an activity (only the fields sent)',
    body: UpdateActivityInput,
    ok: ActivityOutput,
    errors: WRITE_RULES,
  },
  delete: { summary: 'Delete an activity (for good)' },
  actions: {
    complete: {
      path: 'complete',
      summary: 'Mark an activity done now, optionally with its outcome',
      body: CompleteActivityInput,
      ok: ActivityOutput,
      errors: [ErrorCode.ActivityAlreadyCompleted],
    },
    reopen: {
      path: 'reopen',
      summary: 'Reopen a completed activity',
      ok: ActivityOutput,
      errors: [ErrorCode.ActivityNotCompleted],
    },
  },
})
export class ActivitiesController {
  constructor(readonly service: ActivitiesService) {}
}
