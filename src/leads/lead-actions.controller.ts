import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
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
import { BulkLeadsInput } from './dto/bulk-leads.input.js';
import { AssignLeadInput, ConvertLeadInput, MergeLeadInput, QualifyLeadInput } from './dto/lead-actions.input.js';
import { BulkResultOutput, ConvertLeadOutput, LeadDuplicateOutput } from './dto/lead-actions.output.js';
import { LeadOutput } from './dto/lead.output.js';
import { LeadBulkService } from './lead-bulk.service.js';
import { LeadConversionService } from './lead-conversion.service.js';
import { LeadMergeService } from './lead-merge.service.js';
import { LeadWorkflowService } from './lead-workflow.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such lead in this organization (or not visible to an AGENT)' };
const TRANSITION = { type: ErrorBody, description: 'INVALID_STATUS_TRANSITION (details list the allowed statuses)' };

/** The lead workflow beyond CRUD: qualify, assign, convert, bulk actions, duplicates and merge. */
@ApiTags('leads')
@TenantRoute()
@Controller({ path: 'leads', version: '1' })
export class LeadActionsController {
  constructor(
    private readonly workflow: LeadWorkflowService,
    private readonly conversion: LeadConversionService,
    private readonly bulk: LeadBulkService,
    private readonly merges: LeadMergeService,
  ) {}

  @Post('bulk')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Update, assign, soft-delete or restore up to 100 leads at once, all or nothing',
    description:
      'assign, and update with assignedToId, are for ADMIN/MANAGER. If any id is missing, of another organization, ' +
      'not visible to an AGENT, or not in the state the action needs, nothing changes and the 404 lists those ids.',
  })
  @ApiOkResponse({ type: BulkResultOutput })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'Some ids were not found (details list them); nothing changed' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'INVALID_STATUS_TRANSITION or INVALID_ASSIGNEE' })
  bulkAction(@Body() input: BulkLeadsInput): Promise<BulkResultOutput> {
    return this.bulk.run(input);
  }

  @Post(':id/qualify')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Qualify a lead: status QUALIFIED, a score, and notes appended' })
  @ApiOkResponse({ type: LeadOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse(TRANSITION)
  qualify(@IdParam() id: string, @Body() input: QualifyLeadInput): Promise<LeadOutput> {
    return this.workflow.qualify(id, input);
  }

  @Post(':id/assign')
  @Roles('ADMIN', 'MANAGER')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Assign a lead to an ADMIN, MANAGER or AGENT, who is notified (LEAD_ASSIGNED)' })
  @ApiOkResponse({ type: LeadOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'INVALID_ASSIGNEE (a VIEWER or not a member)' })
  assign(@IdParam() id: string, @Body() input: AssignLeadInput): Promise<LeadOutput> {
    return this.workflow.assign(id, input);
  }

  @Post(':id/convert')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Convert a lead into a contact and, optionally, a deal (stage QUALIFIED), in one transaction',
  })
  @ApiOkResponse({ type: ConvertLeadOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'LEAD_ALREADY_CONVERTED, or CONTACT_EMAIL_TAKEN (a live contact has the lead email)',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'INVALID_STATUS_TRANSITION (LOST/UNQUALIFIED leads are reopened first) or INVALID_LISTING',
  })
  convert(@IdParam() id: string, @Body() input: ConvertLeadInput): Promise<ConvertLeadOutput> {
    return this.conversion.convert(id, input);
  }

  @Get(':id/duplicates')
  @ApiOperation({
    summary: 'Likely duplicates of a lead: same email (trimmed, lower-case), phone (digits only) or name (any case)',
  })
  @ApiOkResponse({ type: PageOf(LeadDuplicateOutput) })
  @ApiNotFoundResponse(NOT_FOUND)
  duplicates(@IdParam() id: string, @Query() query: PageQuery): Promise<Page<LeadDuplicateOutput>> {
    return this.merges.findDuplicates(id, query);
  }

  @Post(':id/merge')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Merge a duplicate into this lead',
    description:
      "Moves the duplicate's activities and deals here, fills this lead's empty fields, unions the tags, " +
      'and soft-deletes the duplicate, in one transaction.',
  })
  @ApiOkResponse({ type: LeadOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'INVALID_MERGE (itself, or a converted duplicate)' })
  merge(@IdParam() id: string, @Body() input: MergeLeadInput): Promise<LeadOutput> {
    return this.merges.merge(id, input);
  }
}
