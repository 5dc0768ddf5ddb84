import { ApiProperty } from '@nestjs/swagger';
import { MemberRole } from '../../generated/prisma/enums.js';

export class InvitationOutput {
  @ApiProperty({ format: 'uuid', example: '5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d' }) id!: string;
  @ApiProperty({ maxLength: 320, example: 'li@harbor-realty.com' }) email!: string;
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'AGENT' }) role!: MemberRole;
  @ApiProperty({
    enum: ['PENDING', 'EXPIRED'],
    example: 'PENDING',
    description: 'EXPIRED: past expiresAt; resend it to renew the link for 7 days',
  })
  status!: 'PENDING' | 'EXPIRED';
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d' })
  invitedById!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-12-13T16:00:00.000Z' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-06T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-06T16:00:00.000Z' }) updatedAt!: string;
}

export class AcceptedInvitationOutput {
  @ApiProperty({ format: 'uuid', example: '7c6b5a49-3827-4f16-a5e4-d3c2b1a09f8e' }) organizationId!: string;
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'AGENT' }) role!: MemberRole;
}
