import { Injectable } from '@nestjs/common';
import type { Summary } from '../common/summaries.js';
import type { FindSummary, IncludeSpec, Relation } from './include-spec.js';
import { SummariesRepository } from './summaries.repository.js';

const isId = (id: string | null): id is string => typeof id === 'string';

/**
 * `include=`: adds related records' summaries to output items. The ids of every item are
 * collected first and each relation is looked up once for the whole page — one statement per
 * relation (none when no item points anywhere), never one per row. Call it inside the unit of
 * work that read the items, so the lookups see what the caller may see.
 */
@Injectable()
export class IncludesService {
  constructor(private readonly summaries: SummariesRepository) {}

  /** Sets each requested relation on every item, in place; returns the items. */
  async expand<T extends object>(items: T[], names: readonly string[] | undefined, spec: IncludeSpec<T>): Promise<T[]> {
    if (!names?.length || !items.length) return items;
    for (const name of new Set(names)) {
      const relation = (spec as Record<string, Relation<T> | undefined>)[name];
      // Query DTOs validate names against the same spec: reaching this is a programming error.
      if (!relation) throw new Error(`No include named ${name}`);
      const ids = [...new Set(items.flatMap((item) => relation.ids(item)).filter(isId))];
      const found = ids.length ? await this.summaries.find(relation.kind, ids) : new Map<string, Summary>();
      const find: FindSummary = (id) => (id === null ? null : (found.get(id) ?? null));
      for (const item of items) (item as Record<string, unknown>)[name] = relation.value(item, find);
    }
    return items;
  }

  /** expand for one item (GET /…/{id}); the item itself, not a promise, when nothing is to be included. */
  expandOne<T extends object>(item: T, names: readonly string[] | undefined, spec: IncludeSpec<T>): T | Promise<T> {
    if (!names?.length) return item;
    return this.expand([item], names, spec).then(() => item);
  }
}
