import { Body, Delete, Get, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf, PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { Roles } from '../tenancy/roles.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { BulkLeadsInput } from './dto/bulk-leads.input.js';
import { AssignLeadInput, ConvertLeadInput, MergeLeadInput, QualifyLeadInput } from './dto/lead-actions.input.js';
import {
  BulkResultOutput,
  ConvertLeadOutput,
  LeadDuplicateOutput,
  QualifyLeadOutput,
} from './dto/lead-actions.output.js';
import { LeadOutput } from './dto/lead.output.js';
import { LeadBulkService } from './lead-bulk.service.js';
import { LeadConversionService } from './lead-conversion.service.js';
import { KeyScope } from '../api-keys/scopes.js';
import { LeadMergeService } from './lead-merge.service.js';
import { LeadWorkflowService } from './lead-workflow.service.js';

/** The lead workflow beyond CRUD: qualify, assign, convert, bulk actions, duplicates and merge. */
@TenantController('leads')
export class LeadActionsController {
  constructor(
    private readonly workflow: LeadWorkflowService,
    private readonly conversion: LeadConversionService,
    private readonly bulk: LeadBulkService,
    private readonly merges: LeadMergeService,
  ) {}

  @Post('bulk')
  @Endpoint({
    summary: 'Update, assign, soft-delete or restore up to 100 leads at once, all or nothing',
    description:
      'assign, and update with assignedToId, are for ADMIN/MANAGER. If any id is missing, of another organization, ' +
      'not visible to an AGENT, or not in the state the action needs, nothing changes and the 404 lists those ids ' +
      'in ref.leadIds.',
    ok: BulkResultOutput,
    errors: [ErrorCode.NotFound, ErrorCode.InvalidStatusTransition, ErrorCode.InvalidAssignee],
  })
  bulkAction(@Body() input: BulkLeadsInput): Promise<BulkResultOutput> {
    return this.bulk.run(input);
  }

  @Post(':id/qualify')
  @Endpoint({
    summary: "Qualify a lead by the organization's rule: QUALIFIED or UNQUALIFIED, with the reasons",
    description:
      'The criteria are judged by the rule in GET /v1/settings/lead-scoring (requirePreApproval, ' +
      'requireBudgetConfirmed, maxTimelineMonths). The move follows the lead workflow (from IN_CONTACT; a ' +
      'QUALIFIED lead may be qualified again): INVALID_STATUS_TRANSITION otherwise. The criteria and verdict are ' +
      "logged as a NOTE activity on the lead. The lead's ETag is its lead.version.",
    ok: QualifyLeadOutput,
    errors: [ErrorCode.InvalidStatusTransition, ErrorCode.BusinessRule],
    ifMatch: 'lead',
  })
  qualify(@IdParam() id: string, @Body() input: QualifyLeadInput): Promise<QualifyLeadOutput> {
    return this.workflow.qualify(id, input);
  }

  @Delete(':id/score-override')
  @Endpoint({
    summary: 'Release a manual score: scoreValue follows the computed score again',
    description: 'The same as PATCH with scoreOverride: false. A lead without an override is returned unchanged.',
    ok: LeadOutput,
    ifMatch: 'lead',
  })
  releaseScoreOverride(@IdParam() id: string): Promise<LeadOutput> {
    return this.workflow.releaseScoreOverride(id);
  }

  @Post(':id/assign')
  @Roles('ADMIN', 'MANAGER')
  @Endpoint({
    summary: 'Assign a lead to an ADMIN, MANAGER or AGENT, who is notified (LEAD_ASSIGNED)',
    ok: LeadOutput,
    errors: [ErrorCode.InvalidAssignee],
    ifMatch: 'lead',
  })
  assign(@IdParam() id: string, @Body() input: AssignLeadInput): Promise<LeadOutput> {
    return this.workflow.assign(id, input);
  }

  @Post(':id/convert')
  @KeyScope('leads', 'write', ['contacts:write', 'deals:write'])
  @Endpoint({
    summary: 'Convert a lead into a contact and, optionally, a deal (stage QUALIFIED), in one transaction',
    description:
      'LOST and UNQUALIFIED leads are reopened first. CONTACT_EMAIL_TAKEN: a live contact has the lead email.',
    ok: ConvertLeadOutput,
    errors: [
      ErrorCode.LeadAlreadyConverted,
      ErrorCode.ContactEmailTaken,
      ErrorCode.InvalidStatusTransition,
      ErrorCode.InvalidListing,
    ],
    ifMatch: 'lead',
  })
  convert(@IdParam() id: string, @Body() input: ConvertLeadInput): Promise<ConvertLeadOutput> {
    return this.conversion.convert(id, input);
  }

  @Get(':id/duplicates')
  @Endpoint({
    summary: 'Likely duplicates of a lead: same email (trimmed, lower-case), phone (digits only) or name (any case)',
    ok: PageOf(LeadDuplicateOutput),
  })
  duplicates(@IdParam() id: string, @Query() query: PageQuery): Promise<Page<LeadDuplicateOutput>> {
    return this.merges.findDuplicates(id, query);
  }

  @Post(':id/merge')
  @KeyScope('leads', 'write', ['activities:write', 'appointments:write', 'deals:write'])
  @Endpoint({
    summary: 'Merge a duplicate into this lead',
    description:
      "Moves the duplicate's activities and deals here, fills this lead's empty fields, unions the tags, " +
      'and soft-deletes the duplicate, in one transaction.',
    ok: LeadOutput,
    errors: [ErrorCode.InvalidMerge],
    ifMatch: 'lead',
  })
  merge(@IdParam() id: string, @Body() input: MergeLeadInput): Promise<LeadOutput> {
    return this.merges.merge(id, input);
  }
}
