import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { CommaList, QueryBoolean, Trim } from './query-transforms.js';

/**
 * The filters of the list endpoints, one decorator per kind, so each kind is documented and
 * validated the same way on every list: a filter left out of the query string is no filter.
 */

/** A Prisma enum object or a readonly list of the allowed values. */
type AllowedValues = Record<string, string> | readonly string[];

/**
 * `status=A,B` (or the parameter repeated): any of these values. The description is
 * "Comma-separated, e.g. <example>" unless one is given.
 */
export const EnumListFilter = (
  values: AllowedValues,
  text: { example: string } | { description: string },
): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      enum: values,
      isArray: true,
      description: 'example' in text ? `Comma-separated, e.g. ${text.example}` : text.description,
    }),
    IsOptional(),
    CommaList(),
    // A list of values is checked with IsIn, an enum object with IsEnum: their messages differ.
    Array.isArray(values) ? IsIn(values, { each: true }) : IsEnum(values, { each: true }),
  );

/** One record's id, e.g. `leadId`: only the items linked to it. */
export const UuidFilter = (description?: string): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ format: 'uuid', description }), IsOptional(), IsUUID());

/** A filter's old name, still accepted for one release. */
export const DeprecatedUuidFilter = (newName: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      format: 'uuid',
      deprecated: true,
      description: `Old name of ${newName}; goes in the next release`,
    }),
    IsOptional(),
    IsUUID(),
  );

/** `true` / `false` in the query string. */
export const BooleanFilter = (description: string): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ type: Boolean, description }), IsOptional(), QueryBoolean(), IsBoolean());

/** `includeDeleted=true`: soft-deleted records are listed too, for the roles the service allows. */
export const IncludeDeletedFilter = (what: string): PropertyDecorator =>
  BooleanFilter(`Also list soft-deleted ${what} (ADMIN only)`);

/** `q`: a case-insensitive substring (search.ts), trimmed, at most 200 characters. */
export const SearchFilter = (description: string): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ description }), IsOptional(), Trim(), IsString(), MaxLength(200));

/** One tag the record carries. */
export const TagFilter = (): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({}), IsOptional(), IsString(), MaxLength(50));

/** A text column's whole value, trimmed (`city`, `category`); how it compares is in the description. */
export const ExactTextFilter = (description: string, maxLength: number): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ description }), IsOptional(), Trim(), IsString(), Length(1, maxLength));

/** A lower or upper bound (inclusive) on a whole-number column, from 0 to `max`. */
export const IntBoundFilter = (max: number): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 0 }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(0),
    Max(max),
  );

/** A bound on a decimal column, sent as a decimal string (`priceMin=500000.00`) so no precision is lost. */
export const DecimalFilter = (pattern: RegExp, description: string, message: string): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ description }), IsOptional(), Matches(pattern, { message }));
