import { ApiProperty } from '@nestjs/swagger';
import { ContactVisibility, MemberRole } from '../../generated/prisma/enums.js';
import { VersionProperty } from '../../http/version.property.js';

export class OrganizationOutput {
  @ApiProperty({ format: 'uuid', example: '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f' }) id!: string;
  @ApiProperty({ maxLength: 200, example: 'Harbor Realty' }) name!: string;
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'ADMIN', description: 'Your role in it' })
  role!: MemberRole;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) updatedAt!: string;
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 3650,
    example: 730,
    description: 'Days its audit history is kept (an ADMIN changes it)',
  })
  auditRetentionDays!: number;
  @ApiProperty({ maxLength: 64, example: 'UTC', description: 'IANA time zone (an ADMIN changes it)' })
  timeZone!: string;
  @ApiProperty({
    enum: ContactVisibility,
    enumName: 'ContactVisibility',
    example: 'ALL',
    description: 'Which contacts an AGENT sees: ALL, or OWN (assigned to or created by them); an ADMIN changes it',
  })
  contactVisibility!: ContactVisibility;
  @ApiProperty({
    example: 'https://api.example.com/v1/files?token=…&expires=1795459200&signature=…',
    nullable: true,
    type: String,
    maxLength: 8192,
    description:
      "The organization's logo through a signed URL valid SIGNED_URL_TTL_SECONDS (ask again after); null without one",
  })
  logoUrl!: string | null;
  @VersionProperty() version!: number;
}
