import { ApiProperty } from '@nestjs/swagger';
import { AppointmentStatus, AppointmentType } from '../../generated/prisma/enums.js';
import { IncludedMany, IncludedOne, PersonSummary, RecordSummary, TitledSummary } from '../../common/summaries.js';
import { VersionProperty } from '../../http/version.property.js';

export class AppointmentOutput {
  @ApiProperty({ format: 'uuid', example: '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) id!: string;
  @ApiProperty({ example: 'Showing: 12 Oak St' }) title!: string;
  @ApiProperty({ enum: AppointmentType, enumName: 'AppointmentType', example: 'SHOWING' }) type!: AppointmentType;
  @ApiProperty({ enum: AppointmentStatus, enumName: 'AppointmentStatus', example: 'SCHEDULED' })
  status!: AppointmentStatus;
  @ApiProperty({ example: '2026-11-25T17:00:00.000Z' }) startsAt!: string;
  @ApiProperty({ example: '2026-11-25T18:00:00.000Z' }) endsAt!: string;
  @ApiProperty({ example: '12 Oak St, San Francisco', nullable: true, type: String }) location!: string | null;
  @ApiProperty({ example: 'Bring the disclosure packet', nullable: true, type: String }) notes!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null only after the agent left the organization',
  })
  agentId!: string | null;
  @ApiProperty({ type: [String], example: ['5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f'] }) attendeeContactIds!: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) leadId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) dealId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) listingId!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) cancelReason!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdById!: string | null;
  @ApiProperty({ example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-23T16:00:00.000Z' }) updatedAt!: string;
  @VersionProperty() version!: number;
  @IncludedOne(PersonSummary, 'agent', 'the member agentId names')
  agent?: PersonSummary | null;
  @IncludedOne(RecordSummary, 'lead', 'the lead leadId names')
  lead?: RecordSummary | null;
  @IncludedOne(TitledSummary, 'deal', 'the deal dealId names')
  deal?: TitledSummary | null;
  @IncludedOne(TitledSummary, 'listing', 'the listing listingId names')
  listing?: TitledSummary | null;
  @IncludedMany(RecordSummary, 'attendees', 'the contacts attendeeContactIds names')
  attendees?: RecordSummary[];
  @IncludedOne(PersonSummary, 'createdBy', 'the member who booked the appointment')
  createdBy?: PersonSummary | null;
}
