import { ApiProperty } from '@nestjs/swagger';

export class NotificationOutput {
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) id!: string;
  @ApiProperty({ example: 'LEAD_ASSIGNED' }) type!: string;
  @ApiProperty({ example: 'Lead assigned to you: Maria Gonzalez' }) title!: string;
  @ApiProperty({ example: 'Assigned by Ana Ortiz', nullable: true, type: String }) body!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { leadId: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b' },
  })
  data!: Record<string, unknown> | null;
  @ApiProperty({ example: null, nullable: true, type: String }) readAt!: string | null;
  @ApiProperty({ example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
}

export class UnreadCountOutput {
  @ApiProperty({ example: 3 }) unread!: number;
}

export class ReadAllOutput {
  @ApiProperty({ example: 3, description: 'How many notifications were marked read' }) affected!: number;
}
