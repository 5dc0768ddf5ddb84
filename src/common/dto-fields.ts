import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsCalendarDate } from './dates.js';
import { Trim } from './query-transforms.js';

/**
 * The input fields CRM records share, one decorator per kind: Swagger metadata and validation
 * together, so a kind of field is documented and checked the same way in every body. Options
 * that only document (`description`, `example`) keep the order the caller writes them in, as
 * the document does.
 */

/**
 * Optional but never null, in a PATCH body: left out changes nothing; null is a 400 from the
 * field's own rules (IsOptional would let it through to a NOT NULL column).
 */
export const OptionalNotNull = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

/** numeric(12, 2): up to 10 integer digits and 2 decimals, never negative. */
export const MONEY = /^\d{1,10}(\.\d{1,2})?$/;

/** MONEY's message, with an example of the field's own. */
export const moneyMessage = (example: string): string =>
  `must be a non-negative decimal string such as "${example}" (≤ 10 digits, ≤ 2 decimals)`;

/** Up to 50 tags of 1–50 characters; a bare string is a 400, not a tag. */
export const TagsField = (example: string[]): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], example }),
    IsOptional(),
    IsArray(),
    IsString({ each: true }),
    Length(1, 50, { each: true }),
    ArrayMaxSize(50),
  );

/** Free text kept as typed (no trimming); null clears it. */
export const FreeTextField = (example: string, maxLength: number): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ example, nullable: true, type: String }),
    IsOptional(),
    IsString(),
    MaxLength(maxLength),
  );

/** Free text up to 10,000 characters; null clears it. */
export const NotesField = (example: string): PropertyDecorator => FreeTextField(example, 10_000);

/** A JSON object of the brokerage's own fields; null clears it. */
export const CustomFieldsField = (example: Record<string, unknown>): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: 'object', additionalProperties: true, example, nullable: true }),
    IsOptional(),
    IsObject(),
  );

/** A required line of text (a name, a title, an address line), trimmed, 1–maxLength characters. */
export const RequiredTextField = (example: string, maxLength = 200): PropertyDecorator =>
  applyDecorators(ApiProperty({ example, minLength: 1, maxLength }), Trim(), IsString(), Length(1, maxLength));

/** An optional line of text, trimmed, at most maxLength characters; null clears it. */
export const TextField = (example: string, maxLength: number, description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ example, nullable: true, type: String, description }),
    IsOptional(),
    Trim(),
    IsString(),
    MaxLength(maxLength),
  );

/** An optional value of a Prisma enum; the service applies the column's default when it is left out. */
export const EnumField = (
  values: Record<string, string>,
  enumName: string,
  example: string,
  description?: string,
): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ enum: values, enumName, example, description }), IsOptional(), IsEnum(values));

/** An optional link to another record or a member, by id; null unlinks it. */
export const NullableUuidField = (doc: { example?: string; description?: string }): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, ...doc }),
    IsOptional(),
    IsUUID(),
  );

/** An optional whole percentage, 0–100 (a lead's score, a deal's probability). */
export const PercentField = (example: number, description?: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 0, maximum: 100, example, description }),
    IsOptional(),
    IsInt(),
    Min(0),
    Max(100),
  );

/** A required amount of money as a decimal string (MONEY), so no precision is lost on the way. */
export const MoneyField = (example: string, description: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ example, description }),
    IsString(),
    Matches(MONEY, { message: `$property ${moneyMessage(example)}` }),
  );

/** An optional calendar date (`2027-03-31`). */
export const CalendarDateField = (
  example: string,
  options: { nullable?: true; description?: string } = {},
): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date', example, ...options }),
    IsOptional(),
    IsCalendarDate(),
  );
