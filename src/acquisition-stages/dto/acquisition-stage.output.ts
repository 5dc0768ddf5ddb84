import { ApiProperty } from '@nestjs/swagger';
import { IdProperty, InstantProperty } from '../../common/output-fields.js';
import { AcquisitionStageKind } from '../../generated/prisma/enums.js';
import { VersionProperty } from '../../http/version.property.js';
import { MAX_STAGES } from './acquisition-stage.input.js';

export class AcquisitionStageOutput {
  @IdProperty('4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8') id!: string;
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Qualified' }) name!: string;
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: MAX_STAGES,
    example: 2,
    description: 'Its place in the pipeline: 1 is the first; the stages are numbered 1..n without gaps',
  })
  position!: number;
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: 100,
    example: 25,
    description: 'Whole percent',
  })
  defaultProbability!: number;
  @ApiProperty({ enum: AcquisitionStageKind, enumName: 'AcquisitionStageKind', example: 'OPEN' })
  kind!: AcquisitionStageKind;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
}

/** The whole pipeline, first stage first. */
export class AcquisitionStageListOutput {
  @ApiProperty({ type: [AcquisitionStageOutput], maxItems: MAX_STAGES }) data!: AcquisitionStageOutput[];
}
