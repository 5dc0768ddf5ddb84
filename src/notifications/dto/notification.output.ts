import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every notification type the API sends; `data` carries the ids each one names. */
export const NOTIFICATION_TYPES = [
  'LEAD_ASSIGNED',
  'LEAD_CAPTURED',
  'TICKET_ASSIGNED',
  'APPOINTMENT_SCHEDULED',
  'APPOINTMENT_RESCHEDULED',
  'APPOINTMENT_CANCELLED',
  'WEBHOOK_DISABLED',
  'APPOINTMENT_REMINDER',
  'ACTIVITIES_OVERDUE',
  'LISTING_EXPIRING',
  'ORGANIZATION_EXPORT_COMPLETED',
  'ORGANIZATION_EXPORT_FAILED',
  'IMPORT_COMPLETED',
  'IMPORT_FAILED',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** The types that also go by email, unless the recipient turned that off (notification-preferences). */
export const EMAIL_NOTIFICATION_TYPES = [
  'LEAD_ASSIGNED',
  'TICKET_ASSIGNED',
  'APPOINTMENT_REMINDER',
  'ACTIVITIES_OVERDUE',
  'LISTING_EXPIRING',
] as const satisfies readonly NotificationType[];
export type EmailNotificationType = (typeof EMAIL_NOTIFICATION_TYPES)[number];

const UUID = { format: 'uuid', maxLength: 36 } as const;

/** What a notification is about, by its type (each property is present for the types it names). */
export class NotificationData {
  @ApiPropertyOptional({ ...UUID, example: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b', description: 'LEAD_ASSIGNED' })
  leadId?: string;

  @ApiPropertyOptional({ ...UUID, example: '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', description: 'TICKET_ASSIGNED' })
  ticketId?: string;

  @ApiPropertyOptional({
    pattern: '^T-[0-9]+$',
    maxLength: 20,
    example: 'T-1042',
    description: "TICKET_ASSIGNED: the ticket's reference",
  })
  reference?: string;

  @ApiPropertyOptional({ ...UUID, example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d', description: 'TICKET_ASSIGNED' })
  assignedById?: string;

  @ApiPropertyOptional({ ...UUID, example: '5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f', description: 'APPOINTMENT_*' })
  appointmentId?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-25T17:00:00.000Z', description: 'APPOINTMENT_*' })
  startsAt?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-25T18:00:00.000Z', description: 'APPOINTMENT_*' })
  endsAt?: string;

  @ApiPropertyOptional({ ...UUID, example: '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f', description: 'WEBHOOK_DISABLED' })
  webhookId?: string;

  @ApiPropertyOptional({ ...UUID, example: '5e2f8a1b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', description: 'IMPORT_*' })
  importId?: string;

  @ApiPropertyOptional({
    enum: ['GONE', 'FAILURES'],
    example: 'FAILURES',
    description: 'WEBHOOK_DISABLED: the endpoint answered 410 Gone, or too many deliveries in a row failed',
  })
  reason?: string;

  @ApiPropertyOptional({
    ...UUID,
    example: '2b3c4d5e-6f70-4182-9a3b-4c5d6e7f8091',
    description: 'ORGANIZATION_EXPORT_COMPLETED and _FAILED: GET /v1/exports/organization/{exportId}',
  })
  exportId?: string;

  @ApiPropertyOptional({ ...UUID, example: '6e7f8091-2a3b-4c4d-8e5f-6a7b8c9d0e1f', description: 'LISTING_EXPIRING' })
  listingId?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-12-20', description: 'LISTING_EXPIRING' })
  expirationDate?: string;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 2 ** 31 - 1,
    example: 3,
    description: 'ACTIVITIES_OVERDUE: how many of your activities are past due',
  })
  overdueCount?: number;
}

export class NotificationOutput {
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_TYPES, enumName: 'NotificationType', example: 'LEAD_ASSIGNED' })
  type!: NotificationType;
  @ApiProperty({ maxLength: 300, example: 'Lead assigned to you: Maria Gonzalez' }) title!: string;
  @ApiProperty({ maxLength: 2000, example: 'Assigned by Ana Ortiz', nullable: true, type: String }) body!:
    string | null;
  @ApiProperty({
    type: NotificationData,
    nullable: true,
    example: { leadId: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b' },
    description:
      'LEAD_ASSIGNED, LEAD_CAPTURED: leadId; TICKET_ASSIGNED: ticketId, reference, assignedById; APPOINTMENT_SCHEDULED, ' +
      '_RESCHEDULED, _CANCELLED and _REMINDER: appointmentId, startsAt, endsAt; ACTIVITIES_OVERDUE: overdueCount; ' +
      'LISTING_EXPIRING: listingId, expirationDate; WEBHOOK_DISABLED: webhookId, reason; ' +
      'ORGANIZATION_EXPORT_COMPLETED and _FAILED: exportId',
  })
  data!: NotificationData | null;
  @ApiProperty({ format: 'date-time', example: null, nullable: true, type: String }) readAt!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
}

export class UnreadCountOutput {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 2 ** 31 - 1, example: 3 }) unread!: number;
}

export class ReadAllOutput {
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: 2 ** 31 - 1,
    example: 3,
    description: 'How many notifications were marked read',
  })
  affected!: number;
}
