import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsInt, IsString, IsTimeZone, Length, Max, Min } from 'class-validator';
import { OptionalNotNull } from '../../common/dto-fields.js';
import { ContactVisibility } from '../../generated/prisma/enums.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateOrganizationInput {
  @ApiProperty({ example: 'Harbor Realty', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name!: string;
}

/** Only the fields sent change. */
export class UpdateOrganizationInput {
  @ApiPropertyOptional({ example: 'Harbor Realty', minLength: 1, maxLength: 200 })
  @OptionalNotNull()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    example: 730,
    minimum: 365,
    maximum: 3650,
    description:
      'Days the audit history is kept before app.purge_audit_log() deletes it, at least a year (docs/audit.md)',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(365)
  @Max(3650)
  auditRetentionDays?: number;

  @ApiPropertyOptional({
    example: 'America/New_York',
    maxLength: 64,
    description:
      "The organization's IANA time zone: the overdue-activities digest goes out at 08:00 in it, and reminder emails show times in it",
  })
  @OptionalNotNull()
  @IsString()
  @Length(1, 64)
  @IsTimeZone({ message: 'must be an IANA time zone name such as Europe/Madrid' })
  timeZone?: string;

  @ApiPropertyOptional({
    enum: ContactVisibility,
    enumName: 'ContactVisibility',
    example: 'OWN',
    description:
      'Which contacts an AGENT sees and works: ALL of them, or OWN (those assigned to or created by them). Enforced by row-level security.',
  })
  @OptionalNotNull()
  @IsEnum(ContactVisibility)
  contactVisibility?: ContactVisibility;
}
