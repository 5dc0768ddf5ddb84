import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { TicketCommentAuthor, TicketStatus } from '../../generated/prisma/enums.js';

export const DEFAULT_SHARE_HOURS = 72;
export const MAX_SHARE_HOURS = 720;

export class CreateTicketShareInput {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_SHARE_HOURS,
    example: 48,
    description: `How long the link works. Default: ${DEFAULT_SHARE_HOURS}.`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SHARE_HOURS)
  expiresInHours?: number;
}

export class TicketShareCreatedOutput {
  @ApiProperty({ format: 'uuid', example: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b' }) id!: string;
  @ApiProperty({
    example: '/v1/public/tickets/pQ9v3m0Yc7T2w8LrXk1s4b6N5a0JdHfGe2U7iOqZlRy',
    description: 'The customer view (absolute when PUBLIC_API_URL is set)',
  })
  url!: string;
  @ApiProperty({
    example: 'pQ9v3m0Yc7T2w8LrXk1s4b6N5a0JdHfGe2U7iOqZlRy',
    description: 'Shown once: only its SHA-256 is stored',
  })
  token!: string;
  @ApiProperty({ example: '2026-11-26T16:00:00.000Z' }) expiresAt!: string;
}

export class TicketShareOutput {
  @ApiProperty({ format: 'uuid', example: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b' }) id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d' })
  createdById!: string | null;
  @ApiProperty({ example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-26T16:00:00.000Z' }) expiresAt!: string;
  @ApiProperty({ nullable: true, type: String, example: null }) revokedAt!: string | null;
  @ApiProperty({ example: true, description: 'Neither expired nor revoked' }) active!: boolean;
}

export class PublicTicketCommentOutput {
  @ApiProperty({ format: 'uuid', example: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b' }) id!: string;
  @ApiProperty({ example: 'A plumber is booked for Thursday morning.' }) body!: string;
  @ApiProperty({ enum: TicketCommentAuthor, enumName: 'TicketCommentAuthor', example: 'MEMBER' })
  authorType!: TicketCommentAuthor;
  @ApiProperty({ example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
}

/** What the customer sees: no internal comment, no assignee, no attachment, no internal id. */
export class PublicTicketOutput {
  @ApiProperty({ example: 'T-1042' }) reference!: string;
  @ApiProperty({ example: 1042 }) number!: number;
  @ApiProperty({ example: 'Dishwasher leaking after move-in' }) title!: string;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', example: 'PENDING_CUSTOMER' }) status!: TicketStatus;
  @ApiProperty({ example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-23T18:30:00.000Z' }) updatedAt!: string;
  @ApiProperty({ type: [PublicTicketCommentOutput], description: 'Oldest first; members’ public replies and yours' })
  comments!: PublicTicketCommentOutput[];
}
