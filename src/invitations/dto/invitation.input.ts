import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsEnum, MaxLength } from 'class-validator';
import { Trim } from '../../common/query-transforms.js';
import { PageQuery } from '../../common/pagination.js';
import { MemberRole } from '../../generated/prisma/enums.js';

export class CreateInvitationInput {
  @ApiProperty({
    example: 'li@harbor-realty.com',
    maxLength: 320,
    description: 'Where the link goes (compared case-insensitively)',
  })
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({
    enum: MemberRole,
    enumName: 'MemberRole',
    example: 'AGENT',
    description: 'The role the invited person gets. A MANAGER may invite AGENTs and VIEWERs only.',
  })
  @IsEnum(MemberRole)
  role!: MemberRole;
}

export class ListInvitationsQuery extends PageQuery {}
