import { ApiProperty, OmitType } from '@nestjs/swagger';
import { LeadSource } from '../../generated/prisma/enums.js';
import { LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { LeadScoringSettingsInput, SOURCE_EXAMPLE, WEIGHT_BOUNDS } from './lead-scoring-settings.input.js';

/** Points by lead source, every LeadSource named. */
export class SourceWeightsOutput {
  [source: string]: number;
}
for (const source of Object.values(LeadSource)) {
  ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: WEIGHT_BOUNDS.source, example: 10 })(
    SourceWeightsOutput.prototype,
    source,
  );
}

export class LeadScoringSettingsOutput extends OmitType(LeadScoringSettingsInput, ['sourceWeights'] as const) {
  @ApiProperty({ type: SourceWeightsOutput, example: SOURCE_EXAMPLE }) sourceWeights!: SourceWeightsOutput;
  @ApiProperty({ example: false, description: 'true: the organization never changed them (the defaults)' })
  isDefault!: boolean;
  @NullableInstantProperty() updatedAt!: string | null;
  @LinkIdProperty('0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d', 'The ADMIN who last changed them') updatedById!:
    string | null;
}

export class LeadScoringSettingsUpdateOutput extends LeadScoringSettingsOutput {
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: 2 ** 31 - 1,
    example: 1240,
    description: 'Leads whose computed score changed (rescored in the same transaction)',
  })
  rescoredLeads!: number;
}
