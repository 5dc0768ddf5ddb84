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
import { CreateLeadInput, CreateLeadQuery, UpdateLeadInput } from './dto/lead.input.js';
import { LeadOutput } from './dto/lead.output.js';
import { ListLeadsQuery } from './dto/list-leads.query.js';
import { LeadsService } from './leads.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such lead in this organization (or not visible to an AGENT)' };

@ApiTags('leads')
@TenantRoute()
@Controller({ path: 'leads', version: '1' })
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a lead',
    description:
      'A live lead with the same email (any case) or phone (digits only) is a 409 unless allowDuplicate=true.',
  })
  @ApiCreatedResponse({ type: LeadOutput })
  @ApiConflictResponse({ type: ErrorBody, description: 'DUPLICATE_LEAD (details name the existing leads)' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'INVALID_ASSIGNEE, or INVALID_STATUS_TRANSITION (status CONVERTED)',
  })
  create(@Body() input: CreateLeadInput, @Query() query: CreateLeadQuery): Promise<LeadOutput> {
    return this.leads.create(input, { allowDuplicate: query.allowDuplicate });
  }

  @Get()
  @ApiOperation({
    summary: 'List leads (an AGENT sees only leads assigned to or created by them; includeDeleted=true is for ADMINs)',
  })
  @ApiOkResponse({ type: PageOf(LeadOutput) })
  list(@Query() query: ListLeadsQuery): Promise<Page<LeadOutput>> {
    return this.leads.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a lead' })
  @ApiOkResponse({ type: LeadOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@IdParam() id: string): Promise<LeadOutput> {
    return this.leads.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a lead (only the fields sent)',
    description: 'status follows the lead workflow; changing assignedToId is for ADMIN/MANAGER.',
  })
  @ApiOkResponse({ type: LeadOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'INVALID_ASSIGNEE or INVALID_STATUS_TRANSITION' })
  update(@IdParam() id: string, @Body() input: UpdateLeadInput): Promise<LeadOutput> {
    return this.leads.update(id, input);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Soft-delete a lead' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@IdParam() id: string): Promise<void> {
    return this.leads.remove(id);
  }

  @Post(':id/restore')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Restore a soft-deleted lead' })
  @ApiOkResponse({ type: LeadOutput })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No deleted lead with this id' })
  restore(@IdParam() id: string): Promise<LeadOutput> {
    return this.leads.restore(id);
  }
}
