import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { TicketCommentAuthor, TicketStatus } from '../../generated/prisma/enums.js';
import { MAX_PUBLIC_COMMENTS } from '../public-tickets.service.js';

export const DEFAULT_SHARE_HOURS = 72;
/** A share token as issued: 32 random bytes, base64url. */
export const SHARE_TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$';
/** `T-<number>`, the ticket's number in its organization. */
export const TICKET_REFERENCE_PATTERN = '^T-[0-9]+$';
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
    maxLength: 2048,
    example: '/v1/public/tickets/pQ9v3m0Yc7T2w8LrXk1s4b6N5a0JdHfGe2U7iOqZlRy',
    description: 'The customer view (absolute when PUBLIC_API_URL is set)',
  })
  url!: string;
  @ApiProperty({
    pattern: SHARE_TOKEN_PATTERN,
    maxLength: 43,
    example: 'pQ9v3m0Yc7T2w8LrXk1s4b6N5a0JdHfGe2U7iOqZlRy',
    description: 'Shown once: only its SHA-256 is stored',
  })
  token!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-26T16:00:00.000Z' }) expiresAt!: string;
}

export class TicketShareOutput {
  @ApiProperty({ format: 'uuid', example: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b' }) id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d' })
  createdById!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-26T16:00:00.000Z' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null }) revokedAt!: string | null;
  @ApiProperty({ example: true, description: 'Neither expired nor revoked' }) active!: boolean;
}

export class PublicTicketCommentOutput {
  @ApiProperty({ format: 'uuid', example: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b' }) id!: string;
  @ApiProperty({ maxLength: 10000, example: 'A plumber is booked for Thursday morning.' }) body!: string;
  @ApiProperty({ enum: TicketCommentAuthor, enumName: 'TicketCommentAuthor', example: 'MEMBER' })
  authorType!: TicketCommentAuthor;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
}

/** What the customer sees: no internal comment, no assignee, no attachment, no internal id. */
export class PublicTicketOutput {
  @ApiProperty({ pattern: TICKET_REFERENCE_PATTERN, maxLength: 20, example: 'T-1042' }) reference!: string;
  @ApiProperty({ example: 1042 }) number!: number;
  @ApiProperty({ maxLength: 200, example: 'Dishwasher leaking after move-in' }) title!: string;
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', example: 'PENDING_CUSTOMER' }) status!: TicketStatus;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T18:30:00.000Z' }) updatedAt!: string;
  @ApiProperty({
    type: [PublicTicketCommentOutput],
    maxItems: MAX_PUBLIC_COMMENTS,
    description: `Oldest first; members’ public replies and yours (the first ${MAX_PUBLIC_COMMENTS})`,
  })
  comments!: PublicTicketCommentOutput[];
}
