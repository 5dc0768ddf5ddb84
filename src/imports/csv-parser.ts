import { StringDecoder } from 'node:string_decoder';

/** A CSV record and its number in the file (the header is record 1). */
export interface CsvRecord {
  row: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    readonly row: number,
    message: string,
  ) {
    super(message);
  }
}

/** A record longer than this is refused (a missing closing quote would otherwise read the whole file). */
export const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * An RFC 4180 reader over a byte stream, one record at a time (memory stays at one chunk and
 * one record): fields separated by commas, records by CRLF or LF, quoted fields with `""` for
 * a quote and line breaks inside, a UTF-8 byte order mark ignored. No CSV library is among the
 * project's dependencies; this is the whole of what imports need.
 */
export async function* parseCsv(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<CsvRecord> {
  const decoder = new StringDecoder('utf8');
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let afterQuote = false; // a quote inside a quoted field: closing, or the first of ""
  let recordChars = 0;
  let row = 1;
  let started = false; // any character of the current record seen
  let first = true;
  const records: CsvRecord[] = [];

  const endField = (): void => {
    fields.push(field);
    field = '';
  };
  const endRecord = (): void => {
    endField();
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ row, fields });
    row++;
    fields = [];
    started = false;
    recordChars = 0;
  };

  const feed = (text: string): void => {
    let i = 0;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const c = text[i];
      if (++recordChars > MAX_RECORD_CHARS) throw new CsvSyntaxError(row, 'record longer than 1 MiB');
      if (quoted) {
        if (afterQuote) {
          afterQuote = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          quoted = false; // the quote closed the field: fall through to the unquoted rules
        } else if (c === '"') {
          afterQuote = true;
          continue;
        } else {
          field += c;
          continue;
        }
      }
      if (c === ',') {
        started = true;
        endField();
      } else if (c === '\n') {
        endRecord();
      } else if (c === '\r') {
        // CRLF or a lone CR: the LF (if any) ends the record; a lone CR is dropped.
      } else if (c === '"' && field === '' && !quoted) {
        started = true;
        quoted = true;
      } else {
        started = true;
        field += c;
      }
    }
  };

  for await (const chunk of source) {
    feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    yield* records.splice(0);
  }
  feed(decoder.end());
  if (quoted && !afterQuote) throw new CsvSyntaxError(row, 'a quoted field is not closed');
  if (started || field !== '' || fields.length > 0) endRecord();
  yield* records.splice(0);
}
