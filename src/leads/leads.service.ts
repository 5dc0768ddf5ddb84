import { Injectable } from '@nestjs/common';
import { Conflict, DetailCode, ErrorCode, NotFound, ValidationFailed } from '../common/errors.js';
import { assertMayIncludeDeleted } from '../common/include-deleted.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import { IncludesService } from '../includes/includes.service.js';
import { LiveRecordsService } from '../records/live-records.service.js';
import type { CreateLeadInput, UpdateLeadInput } from './dto/lead.input.js';
import type { LeadOutput } from './dto/lead.output.js';
import type { ListLeadsQuery } from './dto/list-leads.query.js';
import { LeadAssignmentService } from './lead-assignment.service.js';
import { LeadDuplicatesRepository } from './lead-duplicates.repository.js';
import { assertCreatableStatus, assertTransition } from './lead-status.js';
import { LEAD_INCLUDES, type LeadInclude } from './leads.includes.js';
import { toLeadOutput } from './leads.mapper.js';
import { LeadsRepository } from './leads.repository.js';
import type { LeadFilters } from './leads.repository.js';

export interface CreateLeadOptions {
  /** Skip the duplicate check (?allowDuplicate=true). */
  allowDuplicate?: boolean;
}

@Injectable()
export class LeadsService {
  constructor(
    private readonly db: TenantDb,
    private readonly leads: LeadsRepository,
    private readonly duplicates: LeadDuplicatesRepository,
    private readonly assignment: LeadAssignmentService,
    private readonly includes: IncludesService,
    private readonly records: LiveRecordsService,
  ) {}

  list(query: ListLeadsQuery): Promise<Page<LeadOutput>> {
    return this.db.run(async () => {
      assertMayIncludeDeleted(query.includeDeleted, this.db.role);
      const [rows, total] = await this.leads.list(query);
      const data = await this.includes.expand(rows.map(toLeadOutput), query.include, LEAD_INCLUDES);
      return pageOf(data, total, query);
    });
  }

  /**
   * Every row of the list (its filters and sort, no pages), mapped as the list maps them, in
   * batches: for an export, in the caller's unit of work (a snapshot: src/exports).
   */
  async *exportBatches(query: LeadFilters): AsyncGenerator<LeadOutput[]> {
    assertMayIncludeDeleted(query.includeDeleted, this.db.role);
    for await (const rows of this.leads.exportBatches(query)) yield rows.map(toLeadOutput);
  }

  get(id: string, include?: readonly LeadInclude[]): Promise<LeadOutput> {
    return this.db.run(async () => {
      const lead = await this.leads.findLive(id);
      if (!lead) throw new NotFound('Lead');
      return this.includes.expandOne(toLeadOutput(lead), include, LEAD_INCLUDES);
    });
  }

  create(input: CreateLeadInput, options: CreateLeadOptions = {}): Promise<LeadOutput> {
    return this.db.run(async () => {
      assertCreatableStatus(input.status);
      const assigned = await this.assignment.checkChange(input.assignedToId, null, true);
      await this.records.assertLinks({ campaignId: input.campaignId });
      const { customFields, ...rest } = input;
      const data = { ...rest, customFields, createdById: this.db.userId };
      const checked = !options.allowDuplicate && (input.email || input.phone);
      // The duplicate check is part of the INSERT; the advisory lock before it makes two
      // concurrent creates of the same email or phone take turns.
      if (checked) await this.duplicates.lockKeys(input.email, input.phone);
      const lead = checked
        ? await this.leads.create(data, { email: input.email, phone: input.phone })
        : await this.leads.create(data);
      if (!lead) return this.rejectDuplicates(input.email, input.phone);
      if (assigned) await this.assignment.notifyAssigned([lead], lead.assignedToId);
      return toLeadOutput(lead);
    });
  }

  /**
   * A status change must follow the workflow (lead-status.ts) and a new assignee must be
   * allowed: both read the current row under a lock held until commit. Any other change is
   * one UPDATE, which locks the row itself.
   */
  update(id: string, input: UpdateLeadInput): Promise<LeadOutput> {
    if (input.scoreOverride === false && input.scoreValue != null) {
      throw new ValidationFailed([
        { field: 'scoreOverride', message: 'cannot be false while scoreValue is set', code: DetailCode.NotAllowed },
      ]);
    }
    return this.db.run(async () => {
      const checksCurrent = input.status != null || input.assignedToId !== undefined;
      let reassigned = false;
      if (checksCurrent) {
        const lead = await this.leads.lockLive(id);
        if (!lead) throw new NotFound('Lead');
        if (input.status != null) assertTransition(lead.status, input.status);
        reassigned = await this.assignment.checkChange(input.assignedToId, lead.assignedToId);
      }
      await this.records.assertLinks({ campaignId: input.campaignId });
      const { customFields, name, source, status, scoreValue, tags, priority, ...nullable } = input;
      // Required columns ignore an explicit null (validation already refused it for name).
      const updated = await this.leads.update(id, {
        ...nullable,
        ...(name != null && { name }),
        ...(source != null && { source }),
        ...(status != null && { status }),
        ...(scoreValue != null && { scoreValue }),
        ...(tags != null && { tags }),
        ...(priority != null && { priority }),
        customFields,
      });
      if (!updated) throw new NotFound('Lead');
      if (reassigned) await this.assignment.notifyAssigned([updated], updated.assignedToId);
      return toLeadOutput(updated);
    });
  }

  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      const deleted = await this.leads.update(id, { deletedAt: new Date() });
      if (!deleted) throw new NotFound('Lead');
    });
  }

  restore(id: string): Promise<LeadOutput> {
    return this.db.run(async () => {
      const restored = await this.leads.update(id, { deletedAt: null }, true);
      if (!restored) throw new NotFound('Deleted lead');
      return toLeadOutput(restored);
    });
  }

  /** 409 DUPLICATE_LEAD naming the live leads with the same normalized email or phone. */
  private async rejectDuplicates(email: string | null | undefined, phone: string | null | undefined): Promise<never> {
    const hits = await this.duplicates.byContact(email, phone);
    throw new Conflict(
      'A live lead with the same email or phone already exists; pass allowDuplicate=true to create it anyway',
      ErrorCode.DuplicateLead,
      [...new Set(hits.flatMap((h) => h.matchedOn))].map((field) => ({
        field,
        message: `a live lead already has this ${field}`,
        code: DetailCode.NotUnique,
      })),
      { leadIds: hits.map((h) => h.id) },
    );
  }
}
