import { MAX_ATTENDEES } from './appointment.input.js';
import { ApiProperty } from '@nestjs/swagger';
import { AppointmentStatus, AppointmentType } from '../../generated/prisma/enums.js';
import { IncludedMany, IncludedOne, PersonSummary, RecordSummary, TitledSummary } from '../../common/summaries.js';
import { VersionProperty } from '../../http/version.property.js';
import { IdProperty, InstantProperty, LinkIdProperty } from '../../common/output-fields.js';

const LINK_ID = '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e';

export class AppointmentOutput {
  @IdProperty('9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d') id!: string;
  @ApiProperty({ maxLength: 200, example: 'Showing: 12 Oak St' }) title!: string;
  @ApiProperty({ enum: AppointmentType, enumName: 'AppointmentType', example: 'SHOWING' }) type!: AppointmentType;
  @ApiProperty({ enum: AppointmentStatus, enumName: 'AppointmentStatus', example: 'SCHEDULED' })
  status!: AppointmentStatus;
  @InstantProperty('2026-11-25T17:00:00.000Z') startsAt!: string;
  @InstantProperty('2026-11-25T18:00:00.000Z') endsAt!: string;
  @ApiProperty({ maxLength: 500, example: '12 Oak St, San Francisco', nullable: true, type: String }) location!:
    string | null;
  @ApiProperty({ maxLength: 10000, example: 'Bring the disclosure packet', nullable: true, type: String }) notes!:
    string | null;
  @LinkIdProperty(LINK_ID, 'Null only after the agent left the organization') agentId!: string | null;
  @ApiProperty({
    format: 'uuid',
    type: [String],
    maxItems: MAX_ATTENDEES,
    example: ['5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f'],
  })
  attendeeContactIds!: string[];
  @LinkIdProperty(LINK_ID) leadId!: string | null;
  @LinkIdProperty(LINK_ID) dealId!: string | null;
  @LinkIdProperty(LINK_ID) listingId!: string | null;
  @ApiProperty({ maxLength: 1000, example: null, nullable: true, type: String }) cancelReason!: string | null;
  @LinkIdProperty(LINK_ID) createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
  @IncludedOne(PersonSummary, 'agent', 'the member agentId names')
  agent?: PersonSummary | null;
  @IncludedOne(RecordSummary, 'lead', 'the lead leadId names')
  lead?: RecordSummary | null;
  @IncludedOne(TitledSummary, 'deal', 'the deal dealId names')
  deal?: TitledSummary | null;
  @IncludedOne(TitledSummary, 'listing', 'the listing listingId names')
  listing?: TitledSummary | null;
  @IncludedMany(RecordSummary, 'attendees', 'the contacts attendeeContactIds names', MAX_ATTENDEES)
  attendees?: RecordSummary[];
  @IncludedOne(PersonSummary, 'createdBy', 'the member who booked the appointment')
  createdBy?: PersonSummary | null;
}
