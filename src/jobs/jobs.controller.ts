import { Get, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { JobFailureOutput } from './dto/job-failure.output.js';
import { ListJobsQuery } from './dto/jobs.query.js';
import { JobsService } from './jobs.service.js';

const DEAD_LETTER =
  'Background jobs (webhook deliveries, emails…) retry with backoff; one working for the organization that runs ' +
  'out of attempts is listed here with its last error (docs/jobs.md).';

/** The organization's dead letter. ADMINs only, signed in as themselves: API keys have no scope for it. */
@TenantController('jobs')
@Roles('ADMIN')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @Endpoint({
    summary: "The organization's failed background jobs, newest first",
    description: DEAD_LETTER,
    ok: PageOf(JobFailureOutput),
  })
  list(@Query() query: ListJobsQuery): Promise<Page<JobFailureOutput>> {
    return this.jobs.list(query);
  }

  @Post(':id/retry')
  @Endpoint({
    summary: 'Send a failed job again, with as many attempts as it had',
    description: `${DEAD_LETTER} CONFLICT: the failure was already retried (if the new job fails too, it is listed as a new failure).`,
    ok: JobFailureOutput,
    errors: [ErrorCode.Conflict],
  })
  retry(@IdParam() id: string): Promise<JobFailureOutput> {
    return this.jobs.retry(id);
  }
}
