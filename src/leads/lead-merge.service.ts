import { ActivitiesService } from '../activities/activities.service.js';
import { AppointmentsService } from '../appointments/appointments.service.js';
import { DealsService } from '../deals/deals.service.js';
import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, ErrorCode, NotFound } from '../common/errors.js';
import { type Page, type PageQuery, pageOf, skipTake } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { LeadPriority } from '../generated/prisma/enums.js';
import type { MergeLeadInput } from './dto/lead-actions.input.js';
import type { LeadDuplicateOutput } from './dto/lead-actions.output.js';
import type { LeadOutput } from './dto/lead.output.js';
import { LeadAssignmentService } from './lead-assignment.service.js';
import { LeadDuplicatesRepository } from './lead-duplicates.repository.js';
import { toLeadOutput } from './leads.mapper.js';
import { type LeadChanges, type LeadRow, LeadsRepository } from './leads.repository.js';

/** Least to most urgent: a merged lead is worked as urgently as the more urgent of the two. */
const PRIORITY_ORDER: readonly LeadPriority[] = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'];

const isEmpty = (v: unknown): boolean => v === null || (typeof v === 'string' && v.trim() === '');

/**
 * What the surviving lead takes from its duplicate: every empty field (the campaign too), the
 * union of the tags, custom fields it lacks, the later last-contact time and the higher priority. The assignee is left to
 * the caller (an assignment rule applies).
 */
export function mergedFields(target: LeadRow, dup: LeadRow): LeadChanges {
  const data: LeadChanges = {};
  for (const key of ['email', 'phone', 'company', 'budget', 'timeline', 'notes', 'campaignId'] as const) {
    if (isEmpty(target[key]) && !isEmpty(dup[key])) Object.assign(data, { [key]: dup[key] });
  }
  const tags = [...new Set([...target.tags, ...dup.tags])];
  if (tags.length !== target.tags.length) data.tags = tags;
  const ownFields = (target.customFields ?? {}) as Record<string, unknown>;
  const dupFields = (dup.customFields ?? {}) as Record<string, unknown>;
  if (Object.keys(dupFields).some((k) => !(k in ownFields))) data.customFields = { ...dupFields, ...ownFields };
  if (dup.lastContactAt && (!target.lastContactAt || dup.lastContactAt > target.lastContactAt)) {
    data.lastContactAt = dup.lastContactAt;
  }
  if (PRIORITY_ORDER.indexOf(dup.priority) > PRIORITY_ORDER.indexOf(target.priority)) data.priority = dup.priority;
  return data;
}

/** Finding likely duplicates of a lead and folding one lead into another. */
@Injectable()
export class LeadMergeService {
  constructor(
    private readonly db: TenantDb,
    private readonly leads: LeadsRepository,
    private readonly duplicates: LeadDuplicatesRepository,
    private readonly assignment: LeadAssignmentService,
    private readonly activities: ActivitiesService,
    private readonly appointments: AppointmentsService,
    private readonly deals: DealsService,
  ) {}

  /** Same normalized email or phone first, then the same name (case-insensitive). */
  findDuplicates(id: string, query: PageQuery): Promise<Page<LeadDuplicateOutput>> {
    return this.db.run(async () => {
      if (!(await this.leads.findLive(id))) throw new NotFound('Lead');
      const { skip, take } = skipTake(query);
      const [hits, total] = await this.duplicates.of(id, skip, take);
      const rows = new Map((await this.leads.findMany(hits.map((h) => h.id))).map((l) => [l.id, l]));
      const data = hits.flatMap((h) => {
        const lead = rows.get(h.id);
        return lead ? [{ ...toLeadOutput(lead), matchedOn: h.matchedOn }] : [];
      });
      return pageOf(data, total, query);
    });
  }

  /**
   * Moves the duplicate's activities and deals to the lead, fills the lead's empty fields,
   * unions the tags and soft-deletes the duplicate, in one transaction.
   */
  merge(id: string, input: MergeLeadInput): Promise<LeadOutput> {
    const duplicateId = input.duplicateId.toLowerCase();
    if (duplicateId === id) {
      throw new BusinessRuleViolation('A lead cannot be merged into itself', ErrorCode.InvalidMerge, [
        { field: 'duplicateId', message: 'must differ from the lead id' },
      ]);
    }
    return this.db.run(async () => {
      const locked = await this.leads.lockMany([id, duplicateId]);
      const target = locked.find((l) => l.id === id && !l.deletedAt);
      const dup = locked.find((l) => l.id === duplicateId && !l.deletedAt);
      if (!target) throw new NotFound('Lead');
      if (!dup) throw new NotFound('Duplicate lead');
      if (dup.status === 'CONVERTED') {
        throw new BusinessRuleViolation(
          'A converted lead cannot be merged into another one; merge the other lead into it instead',
          ErrorCode.InvalidMerge,
          [{ field: 'duplicateId', message: 'is CONVERTED' }],
        );
      }
      // The duplicate's records follow it, each through its own module.
      await this.activities.relinkLead(dup.id, target.id);
      await this.appointments.relinkLead(dup.id, target.id);
      await this.deals.relinkLead(dup.id, target.id);
      const data = mergedFields(target, dup);
      const takeAssignee = !target.assignedToId && dup.assignedToId !== null && this.assignment.mayAssign();
      if (takeAssignee) data.assignedToId = dup.assignedToId;
      await this.leads.nameChange('lead.merged');
      await this.leads.update(dup.id, { deletedAt: new Date() });
      const merged = await this.leads.update(target.id, { ...data, updatedAt: new Date() });
      if (!merged) throw new NotFound('Lead');
      if (takeAssignee) await this.assignment.notifyAssigned([merged], merged.assignedToId);
      return toLeadOutput(merged);
    });
  }
}
