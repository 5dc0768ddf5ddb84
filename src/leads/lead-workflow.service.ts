import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, NotFound, DetailCode } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import type { AssignLeadInput, QualifyLeadInput } from './dto/lead-actions.input.js';
import type { LeadOutput } from './dto/lead.output.js';
import type { QualifyLeadOutput } from './dto/lead-actions.output.js';
import { ActivitiesService } from '../activities/activities.service.js';
import { LeadScoringService } from '../lead-scoring/lead-scoring.service.js';
import type { QualificationResult } from '../lead-scoring/qualification.js';
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

/** The qualification activity's text: the criteria as sent, then each verdict. */
function qualificationNote(input: QualifyLeadInput, verdict: QualificationResult): string {
  const criteria = `Pre-approved: ${input.preApproved ? 'yes' : 'no'}; budget confirmed: ${input.budgetConfirmed ? 'yes' : 'no'}; timeline: ${input.timelineMonths} months`;
  const reasons = verdict.reasons.map((r) => `${r.met ? '✓' : '✗'} ${r.message}`).join('\n');
  return [criteria, reasons, input.notes].filter(Boolean).join('\n\n');
}

/** The lead actions that move one lead along: qualify and assign. */
@Injectable()
export class LeadWorkflowService {
  constructor(
    private readonly db: TenantDb,
    private readonly leads: LeadsRepository,
    private readonly assignment: LeadAssignmentService,
    private readonly scoring: LeadScoringService,
    private readonly activities: ActivitiesService,
  ) {}

  /**
   * The organization's rule (lead scoring settings) judges the criteria: → QUALIFIED or
   * UNQUALIFIED, a workflow transition. The criteria and the verdict are logged as a NOTE
   * activity on the lead, and the notes appended, in the same transaction.
   */
  qualify(id: string, input: QualifyLeadInput): Promise<QualifyLeadOutput> {
    return this.db.run(async () => {
      const lead = await this.mustLock(id);
      const verdict = await this.scoring.assess(input);
      const status = verdict.qualified ? 'QUALIFIED' : 'UNQUALIFIED';
      assertTransition(lead.status, status);
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
      // Logged first: the activity rescores the lead, so the update below returns its final version.
      await this.activities.create({
        type: 'NOTE',
        title: verdict.qualified ? 'Qualified' : 'Not qualified',
        description: qualificationNote(input, verdict),
        leadId: id,
      });
      const updated = await this.save(id, { status, scoreValue: input.scoreValue, notes });
      return { lead: updated, ...verdict };
    });
  }

  /** scoreValue follows computedScore again (the leads_score trigger copies it). */
  releaseScoreOverride(id: string): Promise<LeadOutput> {
    return this.db.run(async () => {
      const lead = await this.mustLock(id);
      if (!lead.scoreOverride) return toLeadOutput(lead);
      return this.save(id, { scoreOverride: false });
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
