import { extname } from 'node:path';

const MAX_NAME_LENGTH = 200;
const MAX_KEY_NAME_LENGTH = 100;

// C0 and C1 control characters, plus the bidi overrides that disguise extensions ("exe.pdf" shown as "fdp.exe").
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Characters Windows refuses in names; harmless elsewhere but confusing in a download.
const RESERVED = /[<>:"|?*]/g;

/** Keeps at most `max` characters, cutting the stem rather than the extension. */
function truncateKeepingExtension(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const ext = [...extname(name)];
  if (ext.length === 0 || ext.length >= max / 2) return chars.slice(0, max).join('');
  return chars.slice(0, max - ext.length).join('') + ext.join('');
}

/**
 * The name an uploaded file is shown and downloaded under: its base name only (both
 * `/` and `\` separate directories, so "../../etc/passwd" → "passwd" and "..\\x.pdf" →
 * "x.pdf"), without control characters, dot-dot runs or leading dots, at most 200
 * characters with the extension kept. Never empty.
 */
export function sanitizeFileName(raw: string | undefined | null, fallback = 'file'): string {
  let name = (raw ?? '').normalize('NFC').replace(CONTROL, '');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name
    .replace(RESERVED, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  return truncateKeepingExtension(name || fallback, MAX_NAME_LENGTH);
}

/**
 * The same name reduced to what every object store accepts in a key (Supabase Storage
 * takes a restricted ASCII set): letters, digits, dot, dash and underscore.
 */
export function storageKeyName(fileName: string): string {
  const ascii = sanitizeFileName(fileName)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[._-]+/, '');
  return truncateKeepingExtension(ascii || 'file', MAX_KEY_NAME_LENGTH);
}

/** The lower-case extension with its dot ('.pdf'), or '' when there is none. */
export function fileExtension(fileName: string): string {
  return extname(fileName).toLowerCase();
}

/** A Content-Disposition value that offers `fileName` as a download (RFC 6266, with an ASCII fallback). */
export function attachmentDisposition(fileName: string): string {
  const name = sanitizeFileName(fileName);
  const fallback = storageKeyName(name);
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
