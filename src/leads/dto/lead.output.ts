import { ApiProperty } from '@nestjs/swagger';
import { LeadPriority, LeadScore, LeadSource, LeadStatus } from '../../generated/prisma/enums.js';
import { IncludedOne, PersonSummary, RecordSummary } from '../../common/summaries.js';
import { ContactDetailsOutput } from '../../common/contact-details.js';
import { VersionProperty } from '../../http/version.property.js';
import { InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';

const LINK_ID = '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e';

export class LeadOutput extends ContactDetailsOutput('3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b') {
  @ApiProperty({ enum: LeadSource, enumName: 'LeadSource', example: 'REFERRAL' }) source!: LeadSource;
  @ApiProperty({ enum: LeadStatus, enumName: 'LeadStatus', example: 'NEW_LEAD' }) status!: LeadStatus;
  @ApiProperty({
    enum: LeadScore,
    enumName: 'LeadScore',
    example: 'WARM',
    description: 'HOT ≥ 70, WARM 40–69, COLD < 40',
  })
  score!: LeadScore;
  @ApiProperty({ minimum: 0, maximum: 100, example: 55, description: 'computedScore, unless scoreOverridden' })
  scoreValue!: number;
  @ApiProperty({
    example: false,
    description: 'scoreValue was set by hand and no longer follows computedScore (docs/lead-scoring.md)',
  })
  scoreOverridden!: boolean;
  @ApiProperty({
    minimum: 0,
    maximum: 100,
    example: 48,
    description: "The database's score from the lead's data, engagement and the organization's weights",
  })
  computedScore!: number;
  @ApiProperty({ enum: LeadPriority, enumName: 'LeadPriority', example: 'HIGH' }) priority!: LeadPriority;
  @ApiProperty({ maxLength: 13, example: '750000.00', nullable: true, type: String }) budget!: string | null;
  @ApiProperty({ maxLength: 200, example: '3-6 months', nullable: true, type: String }) timeline!: string | null;
  @ApiProperty({ maxLength: 10000, example: 'Wants a 3-bed near good schools', nullable: true, type: String }) notes!:
    string | null;
  @ApiProperty({ maxItems: 50, maxLength: 50, type: [String], example: ['first-time-buyer'] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { preferredArea: 'Noe Valley' } })
  customFields!: Record<string, unknown> | null;
  @LinkIdProperty(LINK_ID) assignedToId!: string | null;
  @LinkIdProperty(LINK_ID) createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
  @NullableInstantProperty() lastContactAt!: string | null;
  @NullableInstantProperty() deletedAt!: string | null;
  @LinkIdProperty(LINK_ID, 'The contact this lead was converted into') convertedContactId!: string | null;
  @LinkIdProperty('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', 'The campaign the lead came from') campaignId!: string | null;

  @IncludedOne(PersonSummary, 'assignee', 'the member assignedToId names')
  assignee?: PersonSummary | null;
  @IncludedOne(PersonSummary, 'createdBy', 'the member who created the lead')
  createdBy?: PersonSummary | null;
  @IncludedOne(RecordSummary, 'convertedContact', 'the contact convertedContactId names')
  convertedContact?: RecordSummary | null;
  @IncludedOne(RecordSummary, 'campaign', 'the campaign campaignId names')
  campaign?: RecordSummary | null;
}
