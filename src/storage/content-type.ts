import { fileExtension } from './file-name.js';

/**
 * Attachment types (seed 001: images, PDFs, Office documents; plus plain text and CSV)
 * with the extensions that name them. Anything else is refused with 415.
 */
export const ALLOWED_ATTACHMENT_TYPES = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
  'application/pdf': ['.pdf'],
  'text/plain': ['.txt', '.text', '.log'],
  'text/csv': ['.csv'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['.docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['.pptx'],
  'application/msword': ['.doc'],
  'application/vnd.ms-excel': ['.xls'],
} as const satisfies Record<string, readonly string[]>;

export type AttachmentType = keyof typeof ALLOWED_ATTACHMENT_TYPES;
export const ATTACHMENT_TYPES = Object.keys(ALLOWED_ATTACHMENT_TYPES) as AttachmentType[];

/** How many leading bytes the sniffer looks at (OOXML part names sit in the first local headers). */
export const SNIFF_BYTES = 64 * 1024;

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

/**
 * What the bytes are. 'text' (valid UTF-8, no NUL) and 'ole' (a Compound File: .doc, .xls,
 * but also .ppt, .msg…) name families whose member the declared type or extension picks.
 */
export type Sniffed = AttachmentType | 'text' | 'ole';

const startsWith = (head: Buffer, bytes: readonly number[], at = 0): boolean =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** The part names of the ZIP local file headers found in `head` (a scan, as sizes may be deferred). */
function zipEntryNames(head: Buffer): string[] {
  const names: string[] = [];
  const signature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
  for (let at = head.indexOf(signature); at >= 0 && at + 30 <= head.length; at = head.indexOf(signature, at + 4)) {
    const nameLength = head.readUInt16LE(at + 26);
    if (at + 30 + nameLength > head.length) break;
    names.push(head.toString('latin1', at + 30, at + 30 + nameLength));
  }
  return names;
}

/** An Office Open XML package is a ZIP whose parts live under word/, xl/ or ppt/. */
function sniffOoxml(head: Buffer): AttachmentType | null {
  const names = zipEntryNames(head);
  if (names.some((n) => n.startsWith('word/'))) return DOCX;
  if (names.some((n) => n.startsWith('xl/'))) return XLSX;
  if (names.some((n) => n.startsWith('ppt/'))) return PPTX;
  return null;
}

/** Valid UTF-8 without NUL bytes; a multi-byte character cut at the end of an incomplete head is fine. */
function isText(head: Buffer, complete: boolean): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/**
 * Identifies the allowed types from their magic bytes. `complete` says whether `head`
 * is the whole file (so a trailing partial UTF-8 sequence is an error, not a cut).
 */
export function sniffContent(head: Buffer, complete: boolean): Sniffed | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(head, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return sniffOoxml(head);
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (isText(head, complete)) return 'text';
  return null;
}

// Names clients use for the same types.
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/x-pdf': 'application/pdf',
  'text/x-csv': 'text/csv',
  'application/csv': 'text/csv',
  'text/comma-separated-values': 'text/csv',
  'application/x-msexcel': 'application/vnd.ms-excel',
};
// "I don't know": no claim to contradict.
const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

/** 'Text/CSV; charset=utf-8' → 'text/csv' (aliases folded). */
export function normalizeMimeType(value: string | undefined | null): string {
  const base = (value ?? '').split(';')[0].trim().toLowerCase();
  return ALIASES[base] ?? base;
}

function typeOfExtension(fileName: string): AttachmentType | undefined {
  const ext = fileExtension(fileName);
  if (!ext) return undefined;
  return ATTACHMENT_TYPES.find((t) => (ALLOWED_ATTACHMENT_TYPES[t] as readonly string[]).includes(ext));
}

export type ContentTypeVerdict = { ok: true; mimeType: AttachmentType } | { ok: false; reason: string };

const refuse = (reason: string): ContentTypeVerdict => ({ ok: false, reason });

/** The sniffer's name for the family a type belongs to. */
function familyOf(type: AttachmentType): Sniffed {
  if (type === 'text/plain' || type === 'text/csv') return 'text';
  if (type === 'application/msword' || type === 'application/vnd.ms-excel') return 'ole';
  return type;
}

const isAllowed = (type: string): type is AttachmentType => (ATTACHMENT_TYPES as string[]).includes(type);

/**
 * Decides the stored MIME type from the sniffed bytes, the client's declared type and
 * the file's extension. The bytes decide the family; a declared type must be an
 * allowed one, and it and a known extension must belong to that family. Within a
 * family (text/plain vs text/csv, .doc vs .xls) they pick the member.
 */
export function resolveAttachmentType(input: {
  head: Buffer;
  complete: boolean;
  declared?: string;
  fileName: string;
}): ContentTypeVerdict {
  const sniffed = sniffContent(input.head, input.complete);
  if (sniffed === null) return refuse('The file content is not an allowed type');
  const byExtension = typeOfExtension(input.fileName);
  let declared = normalizeMimeType(input.declared);
  // Windows browsers label .csv files as Excel; the bytes (text) settle it.
  if (sniffed === 'text' && byExtension === 'text/csv' && declared === 'application/vnd.ms-excel')
    declared = 'text/csv';
  const claimed = GENERIC.has(declared) ? undefined : declared;

  if (claimed !== undefined && !isAllowed(claimed)) return refuse(`The declared type ${claimed} is not allowed`);
  if (claimed && familyOf(claimed) !== sniffed) {
    return refuse(`The declared type ${claimed} does not match the file content`);
  }
  if (byExtension && familyOf(byExtension) !== sniffed) {
    return refuse(`The extension ${fileExtension(input.fileName)} does not match the file content`);
  }
  if (sniffed === 'text') {
    return { ok: true, mimeType: claimed === 'text/csv' || byExtension === 'text/csv' ? 'text/csv' : 'text/plain' };
  }
  if (sniffed === 'ole') {
    const pick = claimed ?? byExtension;
    if (!pick) return refuse('A legacy Office file must be declared or named as .doc or .xls');
    if (claimed && byExtension && claimed !== byExtension) {
      return refuse(`The declared type ${claimed} does not match the extension ${fileExtension(input.fileName)}`);
    }
    return { ok: true, mimeType: pick };
  }
  return { ok: true, mimeType: sniffed };
}
