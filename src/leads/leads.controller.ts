import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint, RestoreRoute, SoftDeleteRoute } from '../http/endpoint.decorator.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { CreateLeadInput, CreateLeadQuery, UpdateLeadInput } from './dto/lead.input.js';
import { LeadOutput } from './dto/lead.output.js';
import { LeadIncludeQuery, ListLeadsQuery } from './dto/list-leads.query.js';
import { LeadsService } from './leads.service.js';

@TenantRoute('leads')
@Controller({ path: 'leads', version: '1' })
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Post()
  @Endpoint({
    summary: 'Create a lead',
    description:
      'A live lead with the same email (any case) or phone (digits only) is a 409 unless allowDuplicate=true.',
    ok: LeadOutput,
    created: '/v1/leads/{id}',
    errors: [ErrorCode.DuplicateLead, ErrorCode.InvalidAssignee, ErrorCode.InvalidStatusTransition],
  })
  create(@Body() input: CreateLeadInput, @Query() query: CreateLeadQuery): Promise<LeadOutput> {
    return this.leads.create(input, { allowDuplicate: query.allowDuplicate });
  }

  @Get()
  @Endpoint({
    summary: 'List leads',
    description: 'An AGENT sees only leads assigned to or created by them; includeDeleted=true is for ADMINs.',
    ok: PageOf(LeadOutput),
  })
  list(@Query() query: ListLeadsQuery): Promise<Page<LeadOutput>> {
    return this.leads.list(query);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get a lead', ok: LeadOutput })
  get(@IdParam() id: string, @Query() query: LeadIncludeQuery): Promise<LeadOutput> {
    return this.leads.get(id, query.include);
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Update a lead (only the fields sent)',
    description: 'status follows the lead workflow; changing assignedToId is for ADMIN/MANAGER.',
    ok: LeadOutput,
    errors: [ErrorCode.InvalidAssignee, ErrorCode.InvalidStatusTransition],
    ifMatch: 'lead',
  })
  update(@IdParam() id: string, @Body() input: UpdateLeadInput): Promise<LeadOutput> {
    return this.leads.update(id, input);
  }

  @SoftDeleteRoute('lead')
  remove(@IdParam() id: string): Promise<void> {
    return this.leads.remove(id);
  }

  @RestoreRoute('lead', LeadOutput)
  restore(@IdParam() id: string): Promise<LeadOutput> {
    return this.leads.restore(id);
  }
}
