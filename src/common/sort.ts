import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';

export interface SortKey<F extends string> {
  field: F;
  direction: 'asc' | 'desc';
}

/**
 * `sort=-createdAt,name`: documented and validated against the allowed fields. No example in
 * the document: Swagger UI would send it as if the user had chosen it; `example` goes in the text.
 */
export function SortParam(fields: readonly string[], example: string): PropertyDecorator {
  const term = `-?(${fields.join('|')})`;
  // Every field once, descending: anything longer repeats a field.
  const longest = fields.reduce((sum, field) => sum + field.length + 2, -1);
  return applyDecorators(
    ApiPropertyOptional({
      description: `Comma-separated; prefix with - for descending, e.g. ${example}. Fields: ${fields.join(', ')}`,
    }),
    IsOptional(),
    MaxLength(longest),
    Matches(new RegExp(`^${term}(,${term})*$`), { message: `sort must list fields from: ${fields.join(', ')}` }),
  );
}

export function parseSort<F extends string>(value: string | undefined, fallback: string): SortKey<F>[] {
  const seen = new Set<string>();
  return (value || fallback)
    .split(',')
    .map((t) =>
      t.startsWith('-')
        ? { field: t.slice(1) as F, direction: 'desc' as const }
        : { field: t as F, direction: 'asc' as const },
    )
    .filter((k) => !seen.has(k.field) && seen.add(k.field));
}
