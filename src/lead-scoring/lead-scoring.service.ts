import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import type { LeadScoringSettingsInput } from './dto/lead-scoring-settings.input.js';
import type {
  LeadScoringSettingsOutput,
  LeadScoringSettingsUpdateOutput,
  SourceWeightsOutput,
} from './dto/lead-scoring-settings.output.js';
import { LeadScoringRepository, type SettingsRow } from './lead-scoring.repository.js';
import { assessQualification, type QualificationCriteria, type QualificationResult } from './qualification.js';

function toOutput(s: SettingsRow, isDefault: boolean): LeadScoringSettingsOutput {
  return {
    sourceWeights: s.sourceWeights as unknown as SourceWeightsOutput,
    budgetWeight: s.budgetWeight,
    timelineWeight: s.timelineWeight,
    completenessWeight: s.completenessWeight,
    priorityWeight: s.priorityWeight,
    activityPoints: s.activityPoints,
    activityMax: s.activityMax,
    appointmentPoints: s.appointmentPoints,
    appointmentMax: s.appointmentMax,
    recencyWeight: s.recencyWeight,
    qualifiedBonus: s.qualifiedBonus,
    requirePreApproval: s.requirePreApproval,
    requireBudgetConfirmed: s.requireBudgetConfirmed,
    maxTimelineMonths: s.maxTimelineMonths,
    isDefault,
    updatedAt: isDefault ? null : s.updatedAt.toISOString(),
    updatedById: s.updatedById,
  };
}

/** The organization's scoring weights and qualification rule; the scores themselves are the database's. */
@Injectable()
export class LeadScoringService {
  constructor(
    private readonly db: TenantDb,
    private readonly settings: LeadScoringRepository,
  ) {}

  get(): Promise<LeadScoringSettingsOutput> {
    return this.db.run(async () => {
      const row = await this.settings.find();
      return row ? toOutput(row, false) : toOutput(await this.settings.defaults(), true);
    });
  }

  /** Replaces the settings and rescores every lead with them, in one transaction. */
  update(input: LeadScoringSettingsInput): Promise<LeadScoringSettingsUpdateOutput> {
    return this.db.run(async () => {
      const { sourceWeights, ...rest } = input;
      const row = await this.settings.save({ ...rest, sourceWeights: { ...sourceWeights } });
      const rescoredLeads = await this.settings.rescoreAll();
      return { ...toOutput(row, false), rescoredLeads };
    });
  }

  /** The organization's verdict on these criteria (call inside the unit of work of the lead's change). */
  async assess(criteria: QualificationCriteria): Promise<QualificationResult> {
    return assessQualification(criteria, await this.settings.inForce());
  }
}
