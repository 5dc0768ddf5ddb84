import { ApiProperty } from '@nestjs/swagger';
import { DealStage, DealStatus } from '../../generated/prisma/enums.js';
import { IncludedOne, PersonSummary, RecordSummary, TitledSummary } from '../../common/summaries.js';
import { VersionProperty } from '../../http/version.property.js';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';

const ID = '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b';

export class DealOutput {
  @IdProperty(ID) id!: string;
  @ApiProperty({ maxLength: 200, example: '123 Main St — buyer representation' }) title!: string;
  @ApiProperty({ maxLength: 20000, example: 'Buyer wants to close before school starts', nullable: true, type: String })
  description!: string | null;
  @ApiProperty({ maxLength: 13, example: '450000.00', description: 'Decimal string' }) value!: string;
  @ApiProperty({ enum: DealStage, enumName: 'DealStage', example: 'NEGOTIATION' }) stage!: DealStage;
  @ApiProperty({ enum: DealStatus, enumName: 'DealStatus', example: 'ACTIVE' }) status!: DealStatus;
  @ApiProperty({ example: 70, minimum: 0, maximum: 100 }) probability!: number;
  @ApiProperty({ maxLength: 13, example: '315000.00', description: 'value × probability / 100, decimal string' })
  weightedValue!: string;
  @ApiProperty({ format: 'date', example: '2027-02-15', nullable: true, type: String })
  expectedCloseDate!: string | null;
  @ApiProperty({
    format: 'date',
    example: null,
    nullable: true,
    type: String,
    description: 'Set while the deal is closed',
  })
  actualCloseDate!: string | null;
  @ApiProperty({
    maxLength: 1000,
    example: null,
    nullable: true,
    type: String,
    description: 'Set while the deal is CLOSED_LOST',
  })
  lostReason!: string | null;
  @ApiProperty({ maxLength: 10000, example: 'Pre-approved for 500k', nullable: true, type: String }) notes!:
    string | null;
  @ApiProperty({ maxItems: 50, maxLength: 50, type: [String], example: ['first-time-buyer'] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { commissionPct: 2.5 } })
  customFields!: Record<string, unknown> | null;
  @LinkIdProperty(ID) leadId!: string | null;
  @LinkIdProperty(ID) contactId!: string | null;
  @LinkIdProperty(ID) listingId!: string | null;
  @LinkIdProperty(ID) assignedToId!: string | null;
  @LinkIdProperty(ID) createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
  @NullableInstantProperty() deletedAt!: string | null;
  @IncludedOne(RecordSummary, 'contact', 'the contact contactId names')
  contact?: RecordSummary | null;
  @IncludedOne(TitledSummary, 'listing', 'the listing listingId names')
  listing?: TitledSummary | null;
  @IncludedOne(RecordSummary, 'lead', 'the lead leadId names')
  lead?: RecordSummary | null;
  @IncludedOne(PersonSummary, 'assignee', 'the member assignedToId names')
  assignee?: PersonSummary | null;
  @IncludedOne(PersonSummary, 'createdBy', 'the member who created the deal')
  createdBy?: PersonSummary | null;
}

export class DealStageChangeOutput {
  @IdProperty(ID) id!: string;
  @ApiProperty({
    enum: DealStage,
    enumName: 'DealStage',
    example: 'PROPOSAL',
    nullable: true,
    description: 'null for the stage the deal was created in',
  })
  fromStage!: DealStage | null;
  @ApiProperty({ enum: DealStage, enumName: 'DealStage', example: 'NEGOTIATION' }) toStage!: DealStage;
  @LinkIdProperty(ID, 'Who made the change (null for changes made outside the API)') changedById!: string | null;
  @InstantProperty() changedAt!: string;
}

export class PipelineStageOutput {
  @ApiProperty({ enum: DealStage, enumName: 'DealStage', example: 'PROPOSAL' }) stage!: DealStage;
  @ApiProperty({ example: 4 }) count!: number;
  @ApiProperty({ maxLength: 16, example: '1800000.00', description: 'Sum of value, decimal string' })
  totalValue!: string;
  @ApiProperty({ maxLength: 13, example: '900000.00', description: 'Sum of value × probability / 100, decimal string' })
  weightedValue!: string;
}

export class PipelineOutput {
  @ApiProperty({
    type: [PipelineStageOutput],
    maxItems: Object.keys(DealStage).length,
    description: 'Every stage in pipeline order, empty ones with count 0',
  })
  stages!: PipelineStageOutput[];
}
