import { describe, expect, it } from '@jest/globals';
import { CsvSyntaxError, parseCsv } from './csv-parser.js';

async function parse(...chunks: (string | Buffer)[]): Promise<[number, string[]][]> {
  const out: [number, string[]][] = [];
  for await (const r of parseCsv(chunks)) out.push([r.row, r.fields]);
  return out;
}

describe('parseCsv (RFC 4180)', () => {
  it('reads fields and records, CRLF or LF, with or without a final line break', async () => {
    expect(await parse('a,b,c\r\n1,2,3\r\n4,5,6')).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', '2', '3']],
      [3, ['4', '5', '6']],
    ]);
    expect(await parse('a,b\n1,2\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
    ]);
  });

  it('reads quoted fields: commas, doubled quotes and line breaks inside', async () => {
    expect(await parse('name,notes\n"Gonzalez, Maria","said ""hi""\r\nthen left"\nBob,""\n')).toEqual([
      [1, ['name', 'notes']],
      [2, ['Gonzalez, Maria', 'said "hi"\r\nthen left']],
      [3, ['Bob', '']],
    ]);
  });

  it('ignores a UTF-8 byte order mark and decodes characters split across chunks', async () => {
    const bytes = Buffer.from('\ufeffname\nJosé\n', 'utf8');
    const chunks = [...bytes].map((b) => Buffer.from([b])); // one byte at a time
    expect(await parse(...chunks)).toEqual([
      [1, ['name']],
      [2, ['José']],
    ]);
  });

  it('keeps empty fields, skips blank lines but counts them as rows', async () => {
    expect(await parse('a,b\n,\n\n1,\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['', '']],
      [4, ['1', '']],
    ]);
  });

  it('counts records, not lines: a line break inside quotes does not shift the numbers', async () => {
    expect(await parse('a\n"x\ny"\nz\n')).toEqual([
      [1, ['a']],
      [2, ['x\ny']],
      [3, ['z']],
    ]);
  });

  it('refuses a quoted field that is never closed', async () => {
    await expect(parse('a\n"open\n')).rejects.toBeInstanceOf(CsvSyntaxError);
  });
});
