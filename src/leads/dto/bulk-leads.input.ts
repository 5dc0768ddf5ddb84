import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import { EnumField, NullableUuidField, PercentField } from '../../common/dto-fields.js';
import { LeadPriority, LeadSource, LeadStatus } from '../../generated/prisma/enums.js';

export const BULK_ACTIONS = ['update', 'assign', 'delete', 'restore'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const BULK_MAX = 100;

/** The fields a bulk update may set; status still follows the workflow for every lead. */
export class BulkLeadData {
  @EnumField(LeadStatus, 'LeadStatus', 'LOST')
  status?: LeadStatus;

  @EnumField(LeadSource, 'LeadSource', 'EVENT')
  source?: LeadSource;

  @PercentField(45)
  scoreValue?: number;

  @EnumField(LeadPriority, 'LeadPriority', 'URGENT')
  priority?: LeadPriority;

  @ApiPropertyOptional({ type: [String], example: ['open-house-2026'], description: 'Replaces the tags' })
  @IsOptional()
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  @ArrayMaxSize(50)
  tags?: string[];

  @NullableUuidField({
    description: 'ADMIN/MANAGER only; null unassigns',
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
  })
  assignedToId?: string | null;

  @NullableUuidField({
    description: 'A live campaign (422 INVALID_REFERENCE otherwise); null detaches the leads',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  })
  campaignId?: string | null;
}

export class BulkLeadsInput {
  @ApiProperty({
    enum: BULK_ACTIONS,
    example: 'update',
    description: 'update (data: fields), assign (data.assignedToId; ADMIN/MANAGER), delete (soft), restore',
  })
  @IsIn(BULK_ACTIONS)
  action!: BulkAction;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: BULK_MAX,
    example: ['3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b', '8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5f6e'],
    description: 'All or nothing: if any id is not found (in the state the action needs) nothing changes',
  })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v)) : value,
  )
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_MAX)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  ids!: string[];

  @ApiPropertyOptional({
    type: BulkLeadData,
    description: 'Required for update and assign; not allowed for delete and restore',
    example: { status: 'LOST', tags: ['cold-2026'] },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => BulkLeadData)
  data?: BulkLeadData;
}
