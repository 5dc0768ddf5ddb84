import { describe, expect, it } from '@jest/globals';
import { csvCell, csvLine, encodeRows } from './export-formats.js';

describe('CSV cells (RFC 4180, formula neutralised)', () => {
  it('leaves plain text, numbers and empties alone', () => {
    expect(csvCell('Maria Gonzalez')).toBe('Maria Gonzalez');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
  });

  it('prefixes text a spreadsheet would run as a formula with a single quote', () => {
    for (const v of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx']) expect(csvCell(v)).toBe(`'${v}`);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
  });

  it('writes arrays and objects as JSON', () => {
    expect(csvCell(['a', 'b'])).toBe('"[""a"",""b""]"');
    expect(csvCell({ k: 1 })).toBe('"{""k"":1}"');
  });

  it('ends records with CRLF; NDJSON is one JSON object per line', () => {
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
    expect(encodeRows('ndjson', [], [{ a: 1 }, { a: 'x\ny' }])).toBe('{"a":1}\n{"a":"x\\ny"}\n');
    expect(encodeRows('csv', ['b', 'a'], [{ a: 1, b: 2 }])).toBe('2,1\r\n');
  });
});
