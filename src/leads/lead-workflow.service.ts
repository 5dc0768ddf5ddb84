import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, NotFound, DetailCode } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import type { AssignLeadInput, QualifyLeadInput } from './dto/lead-actions.input.js';
import type { LeadOutput } from './dto/lead.output.js';
import { LeadAssignmentService } from './lead-assignment.service.js';
import { assertTransition } from './lead-status.js';
import { toLeadOutput } from './leads.mapper.js';
import { type LeadChanges, type LeadRow, LeadsRepository } from './leads.repository.js';

const NOTES_MAX = 10_000;

/** Appended notes are separated from the earlier ones by a blank line. */
export function appendNotes(existing: string | null, added: string | undefined): string | null {
  if (!added?.trim()) return existing;
  return existing?.trim() ? `${existing}\n\n${added}` : added;
}

/** The lead actions that move one lead along: qualify and assign. */
@Injectable()
export class LeadWorkflowService {
  constructor(
    private readonly db: TenantDb,
    private readonly leads: LeadsRepository,
    private readonly assignment: LeadAssignmentService,
  ) {}

  /** → QUALIFIED (a workflow transition), with the score and an optional note appended. */
  qualify(id: string, input: QualifyLeadInput): Promise<LeadOutput> {
    return this.db.run(async () => {
      const lead = await this.mustLock(id);
      assertTransition(lead.status, 'QUALIFIED');
      const notes = appendNotes(lead.notes, input.notes);
      if (notes && notes.length > NOTES_MAX) {
        throw new BusinessRuleViolation(`The lead notes would exceed ${NOTES_MAX} characters`, undefined, [
          {
            field: 'notes',
            message: `at most ${NOTES_MAX - (lead.notes?.length ?? 0) - 2} more characters fit`,
            code: DetailCode.TooLong,
          },
        ]);
      }
      return this.save(id, { status: 'QUALIFIED', scoreValue: input.scoreValue, notes });
    });
  }

  /** ADMIN/MANAGER (route-level); the assignee is told in the same transaction. */
  assign(id: string, input: AssignLeadInput): Promise<LeadOutput> {
    return this.db.run(async () => {
      const lead = await this.mustLock(id);
      if (!(await this.assignment.checkChange(input.assignedToId, lead.assignedToId))) return toLeadOutput(lead);
      const updated = await this.save(id, { assignedToId: input.assignedToId });
      await this.assignment.notifyAssigned([updated], updated.assignedToId);
      return updated;
    });
  }

  private async save(id: string, data: LeadChanges): Promise<LeadOutput> {
    const updated = await this.leads.update(id, data);
    if (!updated) throw new NotFound('Lead');
    return toLeadOutput(updated);
  }

  private async mustLock(id: string): Promise<LeadRow> {
    const lead = await this.leads.lockLive(id);
    if (!lead) throw new NotFound('Lead');
    return lead;
  }
}
