import { ApiProperty } from '@nestjs/swagger';
import { UserOutput } from '../../auth/dto/session.output.js';
import { MemberRole } from '../../generated/prisma/enums.js';

export class MembershipOutput {
  @ApiProperty({ format: 'uuid', example: '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f' }) organizationId!: string;
  @ApiProperty({ maxLength: 200, example: 'Harbor Realty' }) organizationName!: string;
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'ADMIN' }) role!: MemberRole;
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) joinedAt!: string;
}

export class MeOutput extends UserOutput {
  @ApiProperty({ format: 'date-time', example: '2026-11-23T16:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ type: [MembershipOutput] }) memberships!: MembershipOutput[];
}
