import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CommaList } from './query-transforms.js';

/**
 * `include=assignee,contact` (or the parameter repeated): the related records to add to each
 * item as compact summaries, validated against the resource's own relation names.
 */
export function IncludeParam(names: readonly string[]): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      enum: names,
      isArray: true,
      description:
        'Related records to add as compact summaries, comma-separated; each appears on the item under its own ' +
        'name beside the id it expands. One query per relation for the whole page, whatever its size.',
    }),
    IsOptional(),
    CommaList(),
    IsIn(names, { each: true }),
  );
}
