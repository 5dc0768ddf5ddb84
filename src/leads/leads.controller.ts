import { ErrorCode } from '../common/errors.js';
import { PageOf } from '../common/pagination.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { CreateLeadInput, CreateLeadQuery, UpdateLeadInput } from './dto/lead.input.js';
import { LeadOutput } from './dto/lead.output.js';
import { LeadIncludeQuery, ListLeadsQuery } from './dto/list-leads.query.js';
import { LeadsService } from './leads.service.js';

@TenantController('leads')
@ResourceRoutes('lead', {
  create: {
    summary: 'Create a lead',
    description:
      'A live lead with the same email (any case) or phone (digits only) is a 409 unless allowDuplicate=true.',
    body: CreateLeadInput,
    query: CreateLeadQuery,
    ok: LeadOutput,
    created: '/v1/leads/{id}',
    errors: [ErrorCode.DuplicateLead, ErrorCode.InvalidAssignee, ErrorCode.InvalidStatusTransition],
  },
  list: {
    summary: 'List leads',
    description: 'An AGENT sees only leads assigned to or created by them; includeDeleted=true is for ADMINs.',
    query: ListLeadsQuery,
    ok: PageOf(LeadOutput),
  },
  get: { summary: 'Get a lead', query: LeadIncludeQuery, ok: LeadOutput },
  update: {
    summary: 'Update a lead (only the fields sent)',
    description: 'status follows the lead workflow; changing assignedToId is for ADMIN/MANAGER.',
    body: UpdateLeadInput,
    ok: LeadOutput,
    errors: [ErrorCode.InvalidAssignee, ErrorCode.InvalidStatusTransition],
  },
  softDelete: {},
  restore: { ok: LeadOutput },
})
export class LeadsController {
  constructor(readonly service: LeadsService) {}
}
