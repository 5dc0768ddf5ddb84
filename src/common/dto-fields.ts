import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Length, MaxLength } from 'class-validator';

/** Fields every CRM record shares (seed 004: notes, tags, custom_fields), validated the same way everywhere. */

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

/** Free text up to 10,000 characters; null clears it. */
export const NotesField = (example: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ example, nullable: true, type: String }),
    IsOptional(),
    IsString(),
    MaxLength(10_000),
  );

/** A JSON object of the brokerage's own fields; null clears it. */
export const CustomFieldsField = (example: Record<string, unknown>): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: 'object', additionalProperties: true, example, nullable: true }),
    IsOptional(),
    IsObject(),
  );
