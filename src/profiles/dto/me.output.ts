import { ApiProperty } from '@nestjs/swagger';
import { UserOutput } from '../../auth/dto/session.output.js';
import { MemberRole } from '../../generated/prisma/enums.js';

export class MembershipOutput {
  @ApiProperty({ format: 'uuid', example: '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f' }) organizationId!: string;
  @ApiProperty({ maxLength: 200, example: 'Harbor Realty' }) organizationName!: string;
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'ADMIN' }) role!: MemberRole;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) joinedAt!: string;
}

/** Your profile (GET /v1/me without the memberships; PATCH /v1/me returns it). */
export class ProfileOutput extends UserOutput {
  @ApiProperty({ maxLength: 50, example: '+1 415 555 0134', nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ maxLength: 64, example: 'Europe/Madrid', nullable: true, type: String, description: 'IANA time zone' })
  timeZone!: string | null;
  @ApiProperty({ maxLength: 35, example: 'es-ES', nullable: true, type: String, description: 'BCP 47 language tag' })
  locale!: string | null;
  @ApiProperty({
    example: 'https://api.example.com/v1/files?token=…&expires=1795459200&signature=…',
    nullable: true,
    type: String,
    maxLength: 8192,
    description: 'Your avatar through a signed URL valid SIGNED_URL_TTL_SECONDS (ask again after); null without one',
  })
  avatarUrl!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
}

export class MeOutput extends ProfileOutput {
  @ApiProperty({ type: [MembershipOutput] }) memberships!: MembershipOutput[];
}
