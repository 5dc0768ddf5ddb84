import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { OptionalNotNull } from '../../common/dto-fields.js';

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
}
