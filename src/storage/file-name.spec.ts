import { describe, expect, it } from '@jest/globals';
import { attachmentDisposition, fileExtension, sanitizeFileName, storageKeyName } from './file-name.js';

describe('sanitizeFileName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\x.pdf', 'x.pdf'],
    ['C:\\Users\\me\\Desktop\\plan.docx', 'plan.docx'],
    ['/var/tmp/../../.bashrc', 'bashrc'],
    ['..', 'file'],
    ['...', 'file'],
    ['', 'file'],
    [undefined, 'file'],
    ['report..final...pdf', 'report.final.pdf'],
    ['  spaced   out  .txt ', 'spaced out .txt'],
    ['bad<>:"|?*name.txt', 'bad_______name.txt'],
    ['tab\there\u0000.txt', 'tabhere.txt'],
    ['inv\u202Efdp.exe', 'invfdp.exe'],
    ['Größe Übersicht.pdf', 'Größe Übersicht.pdf'],
    ['trailing dots...', 'trailing dots'],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeFileName(raw)).toBe(expected);
  });

  it('caps the length at 200 characters and keeps the extension', () => {
    const name = sanitizeFileName(`${'a'.repeat(500)}.pdf`);
    expect([...name]).toHaveLength(200);
    expect(name.endsWith('.pdf')).toBe(true);
    expect([...sanitizeFileName('é'.repeat(300))]).toHaveLength(200);
  });
});

describe('storageKeyName', () => {
  it.each([
    ['Leak photo (1).png', 'Leak_photo_1_.png'],
    ['Größe Übersicht.pdf', 'Gro_e_Ubersicht.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['日本語.txt', 'txt'],
    ['-leading.txt', 'leading.txt'],
  ])('%j → %j', (raw, expected) => {
    expect(storageKeyName(raw)).toBe(expected);
  });

  it('keeps keys to 100 characters of [A-Za-z0-9._-]', () => {
    const key = storageKeyName(`${'ü'.repeat(300)}.xlsx`);
    expect(key.length).toBeLessThanOrEqual(100);
    expect(key).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(key.endsWith('.xlsx')).toBe(true);
  });
});

describe('attachment helpers', () => {
  it('extracts lower-case extensions', () => {
    expect(fileExtension('A.PDF')).toBe('.pdf');
    expect(fileExtension('noext')).toBe('');
  });

  it('builds a Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    expect(attachmentDisposition('Größe (1).pdf')).toBe(
      `attachment; filename="Gro_e_1_.pdf"; filename*=UTF-8''Gr%C3%B6%C3%9Fe%20%281%29.pdf`,
    );
    expect(attachmentDisposition('a"; evil=1.txt')).toBe(
      `attachment; filename="a_evil_1.txt"; filename*=UTF-8''a_%3B%20evil%3D1.txt`,
    );
  });
});
