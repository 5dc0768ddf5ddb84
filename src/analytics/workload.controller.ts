import { Get, Query } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { AnalyticsQuery } from './dto/analytics.query.js';
import { WorkloadOutput } from './dto/workload.output.js';
import { WorkloadService } from './workload.service.js';

@TenantController('analytics')
export class WorkloadController {
  constructor(private readonly workloads: WorkloadService) {}

  @Get('workload')
  @Endpoint({
    summary: "Each member's open leads, deals, activities, appointments and tickets, now",
    description:
      'A snapshot at the moment of the request (the period does not change the figures; it is validated and echoed in ' +
      '`window`). One row per member of the organization, zeros for a member with nothing open; agentId narrows to one ' +
      'member, and an AGENT gets only their own row. Counts cover only the records you may see. Definitions in ' +
      'docs/analytics.md, "Workload".',
    ok: WorkloadOutput,
  })
  workload(@Query() query: AnalyticsQuery): Promise<WorkloadOutput> {
    return this.workloads.workload(query);
  }
}
