/** The organization's qualification rule (lead_scoring_settings; defaults in app.lead_scoring_defaults). */
export interface QualificationRule {
  requirePreApproval: boolean;
  requireBudgetConfirmed: boolean;
  maxTimelineMonths: number;
}

/** What the agent learned about the buyer (POST /v1/leads/{id}/qualify). */
export interface QualificationCriteria {
  preApproved: boolean;
  budgetConfirmed: boolean;
  timelineMonths: number;
}

export const QUALIFICATION_CRITERIA = ['preApproved', 'budgetConfirmed', 'timelineMonths'] as const;
export type QualificationCriterion = (typeof QUALIFICATION_CRITERIA)[number];

export interface QualificationReason {
  criterion: QualificationCriterion;
  met: boolean;
  message: string;
}

export interface QualificationResult {
  qualified: boolean;
  reasons: QualificationReason[];
}

const flag = (criterion: QualificationCriterion, value: boolean, required: boolean, what: string) => ({
  criterion,
  met: value || !required,
  message: value
    ? `${what}: yes`
    : required
      ? `${what}: no, and the organization requires it`
      : `${what}: no (not required by the organization)`,
});

/** Qualified when every criterion meets the rule; one reason per criterion, in a fixed order. */
export function assessQualification(c: QualificationCriteria, rule: QualificationRule): QualificationResult {
  const withinTimeline = c.timelineMonths <= rule.maxTimelineMonths;
  const reasons: QualificationReason[] = [
    flag('preApproved', c.preApproved, rule.requirePreApproval, 'Pre-approved for a mortgage'),
    flag('budgetConfirmed', c.budgetConfirmed, rule.requireBudgetConfirmed, 'Budget confirmed'),
    {
      criterion: 'timelineMonths',
      met: withinTimeline,
      message: `Buying within ${c.timelineMonths} months: ${withinTimeline ? 'within' : 'beyond'} the organization's ${rule.maxTimelineMonths}`,
    },
  ];
  return { qualified: reasons.every((r) => r.met), reasons };
}
