import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { EnumField, RequiredTextField } from '../../common/dto-fields.js';
import { AcquisitionStageKind } from '../../generated/prisma/enums.js';

/** The most stages an organization keeps (positions 1–50, a CHECK in migration 20261206220000). */
export const MAX_STAGES = 50;

export class CreateAcquisitionStageInput {
  @RequiredTextField('Qualified', 100)
  name!: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 100,
    example: 25,
    description: 'The chance (whole percent) that a contact in this stage becomes a client. Default: 0.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  defaultProbability?: number;

  @EnumField(
    AcquisitionStageKind,
    'AcquisitionStageKind',
    'OPEN',
    'OPEN while the contact is being worked, WON or LOST when the pipeline ends there. Default: OPEN.',
  )
  kind?: AcquisitionStageKind;
}

/** Only the fields sent change; none can be cleared. The position changes only through reorder. */
export class UpdateAcquisitionStageInput extends PartialType(CreateAcquisitionStageInput) {}

export class ReorderAcquisitionStagesInput {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_STAGES,
    example: ['4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8', '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
    description: "Every one of the organization's stages, once each, in their new order (the first gets position 1)",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_STAGES)
  @ArrayUnique()
  @IsUUID('loose', { each: true })
  ids!: string[];
}
