import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsEnum, MaxLength } from 'class-validator';
import { Trim } from '../../common/query-transforms.js';
import { MemberRole } from '../../generated/prisma/enums.js';

export class AddMemberInput {
  @ApiProperty({ example: 'li@harbor-realty.com', description: 'Email of an existing user' })
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'AGENT' })
  @IsEnum(MemberRole)
  role!: MemberRole;
}

export class UpdateMemberInput {
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'MANAGER' })
  @IsEnum(MemberRole)
  role!: MemberRole;
}
