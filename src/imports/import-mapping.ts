import type { ErrorDetail } from '../common/errors.js';
import { DetailCode } from '../common/errors.js';
import type { FieldKind, ImportTarget, RecordImporter } from '../common/import-rows.js';
import { validateAs } from '../common/validation.js';

/** {sourceColumn: targetField}; a target field `customFields.<key>` fills one custom field. */
export type ImportMapping = Record<string, string>;

const CUSTOM = /^customFields\.([A-Za-z][A-Za-z0-9_]{0,49})$/;

/** What is wrong with a mapping for this target (unknown fields, a field mapped twice); empty when nothing. */
export function mappingProblems(mapping: ImportMapping, importer: RecordImporter): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const [column, field] of Object.entries(mapping)) {
    const known = (field in importer.fields && field !== 'customFields') || CUSTOM.test(field);
    if (!known) {
      problems.push({
        field: `mapping.${column}`,
        message: `${importer.target} have no field ${field}; allowed: ${Object.keys(importer.fields).join(', ')} (customFields.<key>)`,
        code: DetailCode.InvalidValue,
      });
    } else if (seen.has(field)) {
      problems.push({ field: `mapping.${column}`, message: `${field} is mapped twice`, code: DetailCode.NotUnique });
    }
    seen.add(field);
  }
  if (Object.keys(mapping).length === 0) {
    problems.push({ field: 'mapping', message: 'maps no column', code: DetailCode.Required });
  }
  return problems;
}

/** Mapped columns the source does not have. */
export function missingColumns(mapping: ImportMapping, header: readonly string[]): ErrorDetail[] {
  const present = new Set(header.map((h) => h.trim()));
  return Object.keys(mapping)
    .filter((c) => !present.has(c))
    .map((c) => ({ field: `mapping.${c}`, message: 'the source has no such column', code: DetailCode.NotFound }));
}

const convert = (kind: FieldKind, text: string): unknown => {
  switch (kind) {
    case 'integer':
      return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
    case 'number':
      return /^-?\d{1,15}(\.\d+)?$/.test(text) ? Number(text) : text;
    case 'list':
      return text
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
};

/**
 * One source record → the target's create input, validated with its DTO (the API's own
 * rules). Values are text (a CSV cell) or already typed (a JSON API); an empty cell is no value.
 */
export function toImportInput<T extends object>(
  importer: RecordImporter<T>,
  mapping: ImportMapping,
  record: Readonly<Record<string, unknown>>,
): { input: T; errors: ErrorDetail[] } {
  const plain: Record<string, unknown> = {};
  const customFields: Record<string, unknown> = {};
  for (const [column, field] of Object.entries(mapping)) {
    let value = record[column];
    if (typeof value === 'string') value = value.trim();
    if (value === undefined || value === null || value === '') continue;
    const custom = CUSTOM.exec(field);
    if (custom) customFields[custom[1]] = value;
    else if (typeof value === 'string') plain[field] = convert(importer.fields[field], value);
    // A JSON source's number where the DTO takes text (a price, a bathroom count): its decimal text.
    else plain[field] = typeof value === 'number' && importer.fields[field] === 'text' ? String(value) : value;
  }
  if (Object.keys(customFields).length) plain.customFields = customFields;
  const [input, errors] = validateAs(importer.input, plain);
  return { input, errors };
}

export type { ImportTarget };
