/** The two formats every record export comes in. */
export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** Keys of T that are always present (an output's own fields; its optional `include`d summaries are not). */
export type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * A CSV header: every always-present field of the output, in the given order. The compiler
 * refuses a list that misses one, so a field added to an output reaches its export.
 */
export function outputColumns<T>() {
  return <const L extends readonly RequiredKeys<T>[]>(
    columns: L & (Exclude<RequiredKeys<T>, L[number]> extends never ? unknown : never),
  ): readonly string[] => columns as readonly string[];
}

// A cell a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @, and tab or CR,
// which some spreadsheets skip before looking for one.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field (RFC 4180): text neutralised against formulas, then quoted when it has to be. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV record, CRLF-terminated as RFC 4180 writes them. */
export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** Rows of one batch in `format`: one CSV record or one JSON line per row. */
export function encodeRows(
  format: ExportFormat,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): string {
  let out = '';
  if (format === 'csv') for (const row of rows) out += csvLine(columns.map((c) => row[c]));
  else for (const row of rows) out += `${JSON.stringify(row)}\n`;
  return out;
}
