import { assessQualification, type QualificationRule } from './qualification.js';

const strict: QualificationRule = { requirePreApproval: true, requireBudgetConfirmed: true, maxTimelineMonths: 6 };

describe('assessQualification', () => {
  it('qualifies when every criterion meets the rule', () => {
    const r = assessQualification({ preApproved: true, budgetConfirmed: true, timelineMonths: 6 }, strict);
    expect(r.qualified).toBe(true);
    expect(r.reasons.map((x) => [x.criterion, x.met])).toEqual([
      ['preApproved', true],
      ['budgetConfirmed', true],
      ['timelineMonths', true],
    ]);
  });

  it('names each criterion that fails', () => {
    const r = assessQualification({ preApproved: false, budgetConfirmed: true, timelineMonths: 7 }, strict);
    expect(r.qualified).toBe(false);
    expect(r.reasons.filter((x) => !x.met).map((x) => x.criterion)).toEqual(['preApproved', 'timelineMonths']);
    expect(r.reasons[0].message).toBe('Pre-approved for a mortgage: no, and the organization requires it');
    expect(r.reasons[2].message).toBe("Buying within 7 months: beyond the organization's 6");
  });

  it('does not hold a criterion the rule does not require against the lead', () => {
    const lenient = { ...strict, requirePreApproval: false, requireBudgetConfirmed: false };
    const r = assessQualification({ preApproved: false, budgetConfirmed: false, timelineMonths: 0 }, lenient);
    expect(r.qualified).toBe(true);
    expect(r.reasons[1]).toEqual({
      criterion: 'budgetConfirmed',
      met: true,
      message: 'Budget confirmed: no (not required by the organization)',
    });
  });
});
