import { describe, expect, it } from '@jest/globals';
import { normalizeMimeType, resolveAttachmentType, sniffContent, SNIFF_BYTES } from './content-type.js';

const bytes = (...b: number[]) => Buffer.from(b);
const zipEntry = (name: string): Buffer => {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(Buffer.byteLength(name), 26);
  return Buffer.concat([header, Buffer.from(name), Buffer.from('data')]);
};
const OLE = bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0);

describe('sniffContent', () => {
  it.each([
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xdb, 1, 2), 'image/jpeg'],
    ['PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
    ['GIF87a', Buffer.from('GIF87a\u0001\u0000'), 'image/gif'],
    ['GIF89a', Buffer.from('GIF89a\u0001\u0000'), 'image/gif'],
    ['WebP', Buffer.concat([Buffer.from('RIFF'), bytes(1, 2, 3, 4), Buffer.from('WEBPVP8 ')]), 'image/webp'],
    ['PDF', Buffer.from('%PDF-1.4\n'), 'application/pdf'],
    [
      'DOCX',
      Buffer.concat([zipEntry('[Content_Types].xml'), zipEntry('word/document.xml')]),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    [
      'XLSX',
      Buffer.concat([zipEntry('_rels/.rels'), zipEntry('xl/workbook.xml')]),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
    [
      'PPTX',
      Buffer.concat([zipEntry('ppt/presentation.xml')]),
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    ['OLE compound file', OLE, 'ole'],
    ['ASCII text', Buffer.from('hello, world\n'), 'text'],
    ['UTF-8 text', Buffer.from('Größe: 5 m² — ok ✓'), 'text'],
    ['empty file', Buffer.alloc(0), 'text'],
  ])('recognises %s', (_name, head, expected) => {
    expect(sniffContent(head, true)).toBe(expected);
  });

  it.each([
    ['a Windows executable', Buffer.concat([Buffer.from('MZ'), bytes(0x90, 0, 3, 0)])],
    ['an ELF binary', bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0)],
    ['a plain ZIP', zipEntry('notes.txt')],
    ['a RIFF that is not WebP', Buffer.concat([Buffer.from('RIFF'), bytes(0x24, 0, 0, 0), Buffer.from('WAVEfmt ')])],
    ['text with a NUL', Buffer.from('abc\u0000def')],
    ['invalid UTF-8', bytes(0x61, 0xc3, 0x28, 0x62)],
    ['Latin-1 text', bytes(0x63, 0x61, 0x66, 0xe9)],
    ['a truncated PNG signature', bytes(0x89, 0x50, 0x4e)],
  ])('refuses %s', (_name, head) => {
    expect(sniffContent(head, true)).toBeNull();
  });

  it('accepts a multi-byte character cut at the end of a partial head, not of a whole file', () => {
    const cut = Buffer.from('price: 5 €').subarray(0, -1);
    expect(sniffContent(cut, false)).toBe('text');
    expect(sniffContent(cut, true)).toBeNull();
  });

  it('looks at a bounded head', () => {
    expect(SNIFF_BYTES).toBe(64 * 1024);
  });
});

describe('resolveAttachmentType', () => {
  const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0);
  const resolve = (head: Buffer, declared: string | undefined, fileName: string) =>
    resolveAttachmentType({ head, complete: true, declared, fileName });

  it.each([
    [png, 'image/png', 'a.png', 'image/png'],
    [png, 'application/octet-stream', 'a.png', 'image/png'],
    [png, undefined, 'photo', 'image/png'],
    [png, 'IMAGE/PNG; foo=bar', 'a.PNG', 'image/png'],
    [bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpg', 'a.jpeg', 'image/jpeg'],
    [Buffer.from('a,b\n1,2'), 'text/plain', 'data.csv', 'text/csv'],
    [Buffer.from('a,b\n1,2'), 'application/vnd.ms-excel', 'data.csv', 'text/csv'],
    [Buffer.from('a,b\n1,2'), 'application/csv', 'data', 'text/csv'],
    [Buffer.from('hello'), 'application/octet-stream', 'readme', 'text/plain'],
    [Buffer.from('hello'), undefined, 'server.log', 'text/plain'],
    [OLE, 'application/msword', 'letter', 'application/msword'],
    [OLE, undefined, 'budget.xls', 'application/vnd.ms-excel'],
  ])('stores %#: declared %s named %s as %s', (head, declared, fileName, expected) => {
    expect(resolve(head, declared, fileName)).toEqual({ ok: true, mimeType: expected });
  });

  it.each([
    ['an executable named .pdf', Buffer.from('MZ\u0090\u0000'), 'application/pdf', 'invoice.pdf'],
    ['a PNG declared as PDF', png, 'application/pdf', 'a.png'],
    ['a PNG named .jpg', png, undefined, 'a.jpg'],
    ['text named .pdf', Buffer.from('hello'), undefined, 'a.pdf'],
    ['text declared as HTML', Buffer.from('<b>hi</b>'), 'text/html', 'a.txt'],
    ['text declared as JSON', Buffer.from('{}'), 'application/json', 'a.json'],
    ['an OLE file of unknown kind', OLE, undefined, 'file'],
    ['an OLE file declared .doc but named .xls', OLE, 'application/msword', 'a.xls'],
    ['an OLE file declared as PowerPoint', OLE, 'application/vnd.ms-powerpoint', 'a.ppt'],
  ])('refuses %s', (_name, head, declared, fileName) => {
    const verdict = resolve(head, declared, fileName);
    expect(verdict.ok).toBe(false);
  });

  it('normalises declared types', () => {
    expect(normalizeMimeType(' Text/CSV ; charset=utf-8')).toBe('text/csv');
    expect(normalizeMimeType('image/pjpeg')).toBe('image/jpeg');
    expect(normalizeMimeType(undefined)).toBe('');
  });
});
