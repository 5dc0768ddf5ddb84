import { ApiProperty } from '@nestjs/swagger';
import { MemberRole, TicketCommentAuthor, TicketPriority, TicketStatus } from '../../generated/prisma/enums.js';
import { IncludedOne, PersonSummary, RecordSummary, TitledSummary } from '../../common/summaries.js';
import { VersionProperty } from '../../http/version.property.js';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';
import { ATTACHMENT_TYPES } from '../../storage/content-type.js';
import { TICKET_REFERENCE_PATTERN } from './ticket-share.dto.js';

const UUID = '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b';

export class TicketAssigneeOutput {
  @IdProperty(UUID) userId!: string;
  @LinkIdProperty(UUID) assignedById!: string | null;
  @InstantProperty() assignedAt!: string;
  @IncludedOne(PersonSummary, 'assignees', 'the assigned member')
  user?: PersonSummary | null;
}

export class TicketOutput {
  @IdProperty(UUID) id!: string;
  @ApiProperty({ example: 1042, description: 'Sequential per organization' }) number!: number;
  @ApiProperty({ pattern: TICKET_REFERENCE_PATTERN, maxLength: 20, example: 'T-1042' }) reference!: string;
  @ApiProperty({ maxLength: 200, example: 'Dishwasher leaking after move-in' }) title!: string;
  @ApiProperty({
    maxLength: 20000,
    example: 'Tenant reports water under the dishwasher.',
    nullable: true,
    type: String,
  })
  description!: string | null;
  @ApiProperty({ enum: TicketPriority, enumName: 'TicketPriority', example: 'HIGH' }) priority!: TicketPriority;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', example: 'OPEN' }) status!: TicketStatus;
  @ApiProperty({ maxLength: 100, example: 'maintenance', nullable: true, type: String }) category!: string | null;
  @LinkIdProperty(UUID) contactId!: string | null;
  @LinkIdProperty(null) listingId!: string | null;
  @LinkIdProperty(UUID) createdById!: string | null;
  @ApiProperty({ type: [TicketAssigneeOutput] }) assignees!: TicketAssigneeOutput[];
  @NullableInstantProperty('2026-12-01T17:00:00.000Z') dueAt!: string | null;
  @NullableInstantProperty(null, 'First public comment by a member') firstResponseAt!: string | null;
  @NullableInstantProperty(null, 'Set while RESOLVED or CLOSED') resolvedAt!: string | null;
  @NullableInstantProperty(null, 'Set while CLOSED') closedAt!: string | null;
  @ApiProperty({ example: false, description: 'Still open and past dueAt' }) overdue!: boolean;
  @ApiProperty({ example: false, deprecated: true, description: 'Old name of overdue; goes in the next release' })
  isOverdue!: boolean;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
  @IncludedOne(RecordSummary, 'contact', 'the contact contactId names')
  contact?: RecordSummary | null;
  @IncludedOne(TitledSummary, 'listing', 'the listing listingId names')
  listing?: TitledSummary | null;
  @IncludedOne(PersonSummary, 'createdBy', 'the member who opened the ticket')
  createdBy?: PersonSummary | null;
}

export class TicketStatusChangeOutput {
  @IdProperty(UUID) id!: string;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', nullable: true, example: 'OPEN' })
  fromStatus!: TicketStatus | null;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', example: 'IN_PROGRESS' }) toStatus!: TicketStatus;
  @ApiProperty({ maxLength: 2000, nullable: true, type: String, example: 'Picked up by the maintenance team' }) note!:
    string | null;
  @LinkIdProperty(UUID, 'null for the customer (share link) or a change made directly in SQL') changedById!:
    string | null;
  @InstantProperty() changedAt!: string;
}

export class TicketCommentOutput {
  @IdProperty(UUID) id!: string;
  @ApiProperty({ maxLength: 10000, example: 'A plumber is booked for Thursday morning.' }) body!: string;
  @ApiProperty({ example: false, description: 'Internal comments are never shown to the customer' })
  isInternal!: boolean;
  @ApiProperty({ enum: TicketCommentAuthor, enumName: 'TicketCommentAuthor', example: 'MEMBER' })
  authorType!: TicketCommentAuthor;
  @LinkIdProperty(UUID) createdById!: string | null;
  @InstantProperty() createdAt!: string;
}

export class TicketAttachmentOutput {
  @IdProperty(UUID) id!: string;
  @ApiProperty({ maxLength: 200, example: 'leak-photo.jpg' }) fileName!: string;
  @ApiProperty({ example: 248_331, description: 'Bytes' }) fileSize!: number;
  @ApiProperty({ enum: ATTACHMENT_TYPES, example: 'image/jpeg', description: 'Detected from the content' })
  mimeType!: string;
  @LinkIdProperty(UUID) uploadedById!: string | null;
  @InstantProperty() uploadedAt!: string;
}

export class SignedUrlOutput {
  @ApiProperty({
    maxLength: 8192,
    example: '/v1/files?token=eyJwIjoi…&expires=1795459200&signature=q3Jm…',
    description: 'Short-lived download URL (absolute for Supabase Storage or when PUBLIC_API_URL is set)',
  })
  url!: string;
  @InstantProperty('2026-11-23T16:05:00.000Z') expiresAt!: string;
}

export class TicketStatusCounts {
  @ApiProperty({ example: 4 }) OPEN!: number;
  @ApiProperty({ example: 3 }) IN_PROGRESS!: number;
  @ApiProperty({ example: 1 }) PENDING_CUSTOMER!: number;
  @ApiProperty({ example: 2 }) RESOLVED!: number;
  @ApiProperty({ example: 9 }) CLOSED!: number;
  @ApiProperty({ example: 0 }) REOPENED!: number;
}

export class TicketPriorityCounts {
  @ApiProperty({ example: 5 }) LOW!: number;
  @ApiProperty({ example: 8 }) MEDIUM!: number;
  @ApiProperty({ example: 4 }) HIGH!: number;
  @ApiProperty({ example: 2 }) URGENT!: number;
}

export class TicketStatsOutput {
  @NullableInstantProperty('2026-11-01T00:00:00.000Z') from!: string | null;
  @NullableInstantProperty('2026-12-01T00:00:00.000Z') to!: string | null;
  @ApiProperty({ example: 19, description: 'Tickets created in the period' }) total!: number;
  @ApiProperty({ type: TicketStatusCounts }) byStatus!: TicketStatusCounts;
  @ApiProperty({ type: TicketPriorityCounts }) byPriority!: TicketPriorityCounts;
  @ApiProperty({ example: 8, description: 'OPEN, IN_PROGRESS, PENDING_CUSTOMER or REOPENED' }) open!: number;
  @ApiProperty({ example: 2, description: 'Open and past dueAt' }) overdue!: number;
  @ApiProperty({ example: 5400, nullable: true, type: Number, description: 'Median seconds to the first response' })
  medianFirstResponseSeconds!: number | null;
  @ApiProperty({
    example: 172800,
    nullable: true,
    type: Number,
    description: 'Median seconds from creation to resolution',
  })
  medianResolutionSeconds!: number | null;
}

export class WorkloadRowOutput {
  @IdProperty(UUID) userId!: string;
  @ApiProperty({ maxLength: 200, example: 'Dana Agent', nullable: true, type: String }) fullName!: string | null;
  @ApiProperty({ maxLength: 320, example: 'dana@brokerage.example' }) email!: string;
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'AGENT' }) role!: MemberRole;
  @ApiProperty({ example: 3, description: 'Assigned tickets still open' }) open!: number;
  @ApiProperty({ example: 1, description: 'Assigned tickets open and past dueAt' }) overdue!: number;
  @ApiProperty({ example: 7, description: 'Assigned tickets resolved in the period' }) resolvedInPeriod!: number;
}

export class WorkloadOutput {
  @NullableInstantProperty('2026-11-01T00:00:00.000Z') from!: string | null;
  @NullableInstantProperty('2026-12-01T00:00:00.000Z') to!: string | null;
  @ApiProperty({ type: [WorkloadRowOutput] }) data!: WorkloadRowOutput[];
}
