import { DetailCode, ValidationFailed } from '../common/errors.js';

// "audit:<id>", base64url: opaque to clients, checked when it comes back. Ids are positive bigints.
const KEY = /^audit:([1-9][0-9]{0,18})$/;
const MAX_ID = 2n ** 63n - 1n;

/** The cursor of the page after the entry with this id (pages are newest first: ids below it). */
export function encodeAuditCursor(id: bigint): string {
  return Buffer.from(`audit:${id}`, 'utf8').toString('base64url');
}

export function decodeAuditCursor(cursor: string): bigint {
  const id = KEY.exec(Buffer.from(cursor, 'base64url').toString('utf8'))?.[1];
  if (id === undefined || BigInt(id) > MAX_ID)
    throw new ValidationFailed([
      { field: 'cursor', message: 'is not a cursor returned by this endpoint', code: DetailCode.InvalidFormat },
    ]);
  return BigInt(id);
}
