import type { ErrorDetail } from './errors.js';

/**
 * The contract between the imports feature (src/imports) and the features whose records it
 * writes: each owner (leads, contacts, listings) exports a RecordImporter, so its tables are
 * written by its own code, with its own rules, inside the import's unit of work.
 */
export const IMPORT_TARGETS = ['leads', 'contacts', 'listings'] as const;
export type ImportTarget = (typeof IMPORT_TARGETS)[number];

export const DUPLICATE_POLICIES = ['skip', 'update', 'create'] as const;
/** What a row matching an existing record does: nothing, update it, or create another record anyway. */
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number];

/** How a text cell becomes a field's value before validation. */
export type FieldKind = 'text' | 'integer' | 'number' | 'list' | 'boolean';

/** One source row, validated: its number in the source and the create input it maps to. */
export interface ImportRow<T> {
  row: number;
  input: T;
}

export type RowResult = 'created' | 'updated' | 'skipped' | 'failed';

export interface RowOutcome {
  row: number;
  result: RowResult;
  /** Why it failed (a business rule the DTO cannot express). */
  error?: ErrorDetail;
}

export interface RecordImporter<T extends object = object> {
  readonly target: ImportTarget;
  /** The create DTO rows are validated with: the same rules as the API's create route. */
  readonly input: new () => T;
  /** The fields a mapping may name, and how a text value converts. `customFields` takes `customFields.<key>`. */
  readonly fields: Readonly<Record<string, FieldKind>>;
  /**
   * Writes one batch inside the open unit of work (the import's transaction), finding
   * duplicates by the target's match keys; one outcome per row, in order.
   */
  write(rows: ImportRow<T>[], policy: DuplicatePolicy): Promise<RowOutcome[]>;
}

/** Injection token of every RecordImporter (the imports feature asks for them by target). */
export const RECORD_IMPORTERS = Symbol('RECORD_IMPORTERS');
