import { ApiProperty } from '@nestjs/swagger';
import { VersionProperty } from '../../http/version.property.js';
import { MemberRole } from '../../generated/prisma/enums.js';

export class MemberOutput {
  @ApiProperty({ format: 'uuid', example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d' }) userId!: string;
  @ApiProperty({ maxLength: 320, example: 'li@harbor-realty.com' }) email!: string;
  @ApiProperty({ maxLength: 200, example: 'Li Chen', nullable: true, type: String }) fullName!: string | null;
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'AGENT' }) role!: MemberRole;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) joinedAt!: string;
  @VersionProperty() version!: number;
}
