import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { LeadSource } from '../../generated/prisma/enums.js';

/**
 * The bounds of every weight, in points of the 0–100 score: the table's CHECKs in
 * migration 20261206120000 say the same, the API answers 400 first.
 */
export const WEIGHT_BOUNDS = {
  source: 30,
  budgetWeight: 30,
  timelineWeight: 30,
  completenessWeight: 30,
  priorityWeight: 30,
  activityPoints: 10,
  activityMax: 30,
  appointmentPoints: 20,
  appointmentMax: 30,
  recencyWeight: 30,
  qualifiedBonus: 30,
} as const;
export const MAX_TIMELINE_MONTHS = 120;

/** A whole number of points, 0–max. */
const Points = (max: number, example: number, description: string): PropertyDecorator => {
  const decorators = [
    ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: max, example, description }),
    IsInt(),
    Min(0),
    Max(max),
  ];
  return (target, key) => decorators.forEach((d) => d(target, key));
};

export const SOURCE_EXAMPLE: Record<LeadSource, number> = {
  REFERRAL: 25,
  PARTNER: 20,
  EVENT: 15,
  WEBSITE: 10,
  EMAIL_CAMPAIGN: 10,
  GOOGLE_ADS: 8,
  SOCIAL_MEDIA: 6,
  OTHER: 5,
  COLD_CALL: 4,
};

/** Points by lead source: one required property per LeadSource, declared from the enum. */
export class SourceWeightsInput {
  [source: string]: number;
}
for (const source of Object.values(LeadSource)) {
  Points(
    WEIGHT_BOUNDS.source,
    SOURCE_EXAMPLE[source],
    `Points for a ${source} lead`,
  )(SourceWeightsInput.prototype, source);
  IsDefined()(SourceWeightsInput.prototype, source);
}

/** PUT /v1/settings/lead-scoring: every weight and rule (send back what GET answered, changed). */
export class LeadScoringSettingsInput {
  @ApiProperty({
    type: SourceWeightsInput,
    example: SOURCE_EXAMPLE,
    description: 'Points by lead source, every LeadSource named',
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceWeightsInput)
  sourceWeights!: SourceWeightsInput;

  @Points(WEIGHT_BOUNDS.budgetWeight, 15, 'Budget ≥ 1,000,000: all; ≥ 500,000: 2/3; > 0: 1/3')
  budgetWeight!: number;

  @Points(WEIGHT_BOUNDS.timelineWeight, 15, 'Timeline ≤ 3 months: all; ≤ 6: 2/3; ≤ 12: 1/3 (read from the text)')
  timelineWeight!: number;

  @Points(WEIGHT_BOUNDS.completenessWeight, 9, '1/3 each for an email, a phone, and a full name')
  completenessWeight!: number;

  @Points(WEIGHT_BOUNDS.priorityWeight, 9, 'Priority LOW: 0; MEDIUM: 1/3; HIGH: 2/3; URGENT: all')
  priorityWeight!: number;

  @Points(WEIGHT_BOUNDS.activityPoints, 2, 'Per activity logged on the lead (calls, notes, captured events)')
  activityPoints!: number;

  @Points(WEIGHT_BOUNDS.activityMax, 10, 'At most this many points from activities')
  activityMax!: number;

  @Points(WEIGHT_BOUNDS.appointmentPoints, 5, 'Per appointment not CANCELLED or NO_SHOW')
  appointmentPoints!: number;

  @Points(WEIGHT_BOUNDS.appointmentMax, 10, 'At most this many points from appointments')
  appointmentMax!: number;

  @Points(WEIGHT_BOUNDS.recencyWeight, 10, 'Last contact ≤ 7 days ago: all; ≤ 30 days: half')
  recencyWeight!: number;

  @Points(WEIGHT_BOUNDS.qualifiedBonus, 10, 'Status QUALIFIED or CONVERTED')
  qualifiedBonus!: number;

  @ApiProperty({ example: true, description: 'qualify: the buyer must be pre-approved' })
  @IsBoolean()
  requirePreApproval!: boolean;

  @ApiProperty({ example: true, description: 'qualify: the budget must be confirmed' })
  @IsBoolean()
  requireBudgetConfirmed!: boolean;

  @ApiProperty({
    minimum: 0,
    maximum: MAX_TIMELINE_MONTHS,
    example: 12,
    description: 'qualify: the buyer must mean to buy within this many months',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_TIMELINE_MONTHS)
  maxTimelineMonths!: number;
}
