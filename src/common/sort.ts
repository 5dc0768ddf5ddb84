import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export interface SortKey<F extends string> {
  field: F;
  direction: 'asc' | 'desc';
}

/** `sort=-createdAt,name`: documented and validated against the allowed fields. */
export function SortParam(fields: readonly string[], example: string): PropertyDecorator {
  const term = `-?(${fields.join('|')})`;
  return applyDecorators(
    ApiPropertyOptional({
      description: `Comma-separated; prefix with - for descending. Fields: ${fields.join(', ')}`,
      example,
    }),
    IsOptional(),
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
