import type { Readable } from 'node:stream';
import { parseCsv } from './csv-parser.js';
import { type ImportMapping, missingColumns } from './import-mapping.js';

/** A record of a source: its number there and its values by column (a CSV header) or path (a JSON API). */
export interface SourceRecord {
  row: number;
  values: Record<string, unknown>;
  /** API sources: where reading resumes after this record's page (a next link). */
  cursor?: string | null;
}

/** The source cannot be read as mapped (a missing column, bad CSV, an unreachable API): the job fails. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}

/** An uploaded CSV's data records as {column: text}, checked against the mapping's columns first. The caller owns the stream. */
export async function* csvRecords(stream: Readable, mapping: ImportMapping): AsyncGenerator<SourceRecord> {
  let header: string[] | undefined;
  for await (const { row, fields } of parseCsv(stream)) {
    if (!header) {
      header = fields.map((h) => h.trim());
      const missing = missingColumns(mapping, header);
      if (missing.length) {
        throw new SourceError(
          `The file has no column ${missing.map((m) => `"${m.field?.slice(8) ?? ''}"`).join(', ')}`,
        );
      }
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => {
      values[h] = fields[i] ?? '';
    });
    yield { row, values };
  }
  if (!header) throw new SourceError('The file is empty: a header row is required');
}
