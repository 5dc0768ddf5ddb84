import { MAX_ATTENDEES } from './appointment.input.js';
import { ApiProperty } from '@nestjs/swagger';
import { AppointmentStatus, AppointmentType } from '../../generated/prisma/enums.js';
import { IncludedMany, IncludedOne, PersonSummary, RecordSummary, TitledSummary } from '../../common/summaries.js';
import { VersionProperty } from '../../http/version.property.js';

export class AppointmentOutput {
  @ApiProperty({ format: 'uuid', example: '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) id!: string;
  @ApiProperty({ maxLength: 200, example: 'Showing: 12 Oak St' }) title!: string;
  @ApiProperty({ enum: AppointmentType, enumName: 'AppointmentType', example: 'SHOWING' }) type!: AppointmentType;
  @ApiProperty({ enum: AppointmentStatus, enumName: 'AppointmentStatus', example: 'SCHEDULED' })
  status!: AppointmentStatus;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T17:00:00.000Z' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T18:00:00.000Z' }) endsAt!: string;
  @ApiProperty({ maxLength: 500, example: '12 Oak St, San Francisco', nullable: true, type: String }) location!:
    string | null;
  @ApiProperty({ maxLength: 10000, example: 'Bring the disclosure packet', nullable: true, type: String }) notes!:
    string | null;
  @ApiProperty({
    format: 'uuid',
    example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e',
    nullable: true,
    type: String,
    description: 'Null only after the agent left the organization',
  })
  agentId!: string | null;
  @ApiProperty({
    format: 'uuid',
    type: [String],
    maxItems: MAX_ATTENDEES,
    example: ['5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f'],
  })
  attendeeContactIds!: string[];
  @ApiProperty({ format: 'uuid', example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e', nullable: true, type: String })
  leadId!: string | null;
  @ApiProperty({ format: 'uuid', example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e', nullable: true, type: String })
  dealId!: string | null;
  @ApiProperty({ format: 'uuid', example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e', nullable: true, type: String })
  listingId!: string | null;
  @ApiProperty({ maxLength: 1000, example: null, nullable: true, type: String }) cancelReason!: string | null;
  @ApiProperty({ format: 'uuid', example: '6b2d9e4a-1c3f-4a5b-9d8e-7f6a5b4c3d2e', nullable: true, type: String })
  createdById!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) updatedAt!: string;
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
