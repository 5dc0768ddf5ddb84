import { ApiProperty } from '@nestjs/swagger';
import { ActivityType } from '../../generated/prisma/enums.js';
import { IncludedOne, PersonSummary, RecordSummary, TitledSummary } from '../../common/summaries.js';
import { VersionProperty } from '../../http/version.property.js';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';

const LINK_ID = '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e';

export class ActivityOutput {
  @IdProperty('7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d') id!: string;
  @ApiProperty({ enum: ActivityType, enumName: 'ActivityType', example: 'CALL' }) type!: ActivityType;
  @ApiProperty({ maxLength: 200, example: 'Intro call about the Noe Valley listing' }) title!: string;
  @ApiProperty({ maxLength: 20000, example: 'Discussed budget and timing', nullable: true, type: String })
  description!: string | null;
  @ApiProperty({ maxLength: 2000, example: 'Wants a showing next week', nullable: true, type: String }) outcome!:
    string | null;
  @ApiProperty({ example: 15, nullable: true, type: Number }) durationMinutes!: number | null;
  @NullableInstantProperty('2026-11-25T17:00:00.000Z') dueDate!: string | null;
  @NullableInstantProperty() completedAt!: string | null;
  @ApiProperty({ example: false, description: 'Due before now and not completed' }) overdue!: boolean;
  @LinkIdProperty(LINK_ID) leadId!: string | null;
  @LinkIdProperty(LINK_ID) contactId!: string | null;
  @LinkIdProperty(LINK_ID) dealId!: string | null;
  @LinkIdProperty(LINK_ID) listingId!: string | null;
  @LinkIdProperty(LINK_ID) assignedToId!: string | null;
  @LinkIdProperty(LINK_ID) createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
  @IncludedOne(RecordSummary, 'lead', 'the lead leadId names')
  lead?: RecordSummary | null;
  @IncludedOne(RecordSummary, 'contact', 'the contact contactId names')
  contact?: RecordSummary | null;
  @IncludedOne(TitledSummary, 'deal', 'the deal dealId names')
  deal?: TitledSummary | null;
  @IncludedOne(TitledSummary, 'listing', 'the listing listingId names')
  listing?: TitledSummary | null;
  @IncludedOne(PersonSummary, 'assignee', 'the member assignedToId names')
  assignee?: PersonSummary | null;
  @IncludedOne(PersonSummary, 'createdBy', 'the member who logged the activity')
  createdBy?: PersonSummary | null;
}
