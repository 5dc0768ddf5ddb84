import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Equals, IsOptional, IsString, IsTimeZone, Length, Matches, MaxLength, ValidateBy } from 'class-validator';
import { PHONE, PHONE_MESSAGE } from '../../common/contact-details.js';
import { OptionalNotNull } from '../../common/dto-fields.js';
import { Trim } from '../../common/query-transforms.js';

/** A well-formed BCP 47 language tag (`Intl.getCanonicalLocales` accepts it). */
function isLocaleTag(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 35) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

/** 'EN-us' → 'en-US': a tag is stored in its canonical form (an invalid one is left for the validator). */
const canonicalLocale = ({ value }: { value: unknown }): unknown =>
  isLocaleTag(value) ? Intl.getCanonicalLocales(value as string)[0] : value;

/** PATCH /v1/me: only the fields sent change; null clears a field. */
export class UpdateProfileInput {
  @ApiPropertyOptional({ example: 'Ana Ortiz', minLength: 1, maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  fullName?: string | null;

  @ApiPropertyOptional({
    example: '+1 415 555 0134',
    maxLength: 50,
    nullable: true,
    type: String,
    description: 'Digits, spaces and + ( ) - . (as on leads and contacts)',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone?: string | null;

  @ApiPropertyOptional({
    example: 'Europe/Madrid',
    maxLength: 64,
    nullable: true,
    type: String,
    description: "Your IANA time zone (null: the organization's)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsTimeZone({ message: 'must be an IANA time zone name such as Europe/Madrid' })
  timeZone?: string | null;

  @ApiPropertyOptional({
    example: 'es-ES',
    maxLength: 35,
    nullable: true,
    type: String,
    description: 'Your language, a BCP 47 tag; stored in its canonical form (en-us → en-US)',
  })
  @IsOptional()
  @IsString()
  @Transform(canonicalLocale)
  @ValidateBy({
    name: 'isLocaleTag',
    validator: { validate: isLocaleTag, defaultMessage: () => 'must be a BCP 47 language tag such as en-US' },
  })
  locale?: string | null;
}

/**
 * DELETE /v1/me: the confirmation. An account with a password (the embedded auth) sends it;
 * an account without one (Supabase Auth) sends confirm: true.
 */
export class DeleteAccountInput {
  @ApiPropertyOptional({
    example: 'Harbor-lights-2026',
    maxLength: 200,
    description: 'Your current password: required when the account signs in with one (the embedded auth)',
  })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  password?: string;

  @ApiPropertyOptional({
    example: true,
    enum: [true],
    description: 'Required for accounts without a password (Supabase Auth): true',
  })
  @OptionalNotNull()
  @Equals(true, { message: 'confirm must be true' })
  confirm?: true;
}
