import { describe, expect, it } from '@jest/globals';
import { ValidationFailed } from '../common/errors.js';
import { decodeAuditCursor, encodeAuditCursor } from './audit.cursor.js';

describe('audit cursor', () => {
  it('round-trips an id through an opaque base64url string', () => {
    for (const id of [1n, 1042n, 2n ** 63n - 1n]) {
      const cursor = encodeAuditCursor(id);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeAuditCursor(cursor)).toBe(id);
    }
  });

  it.each([
    ['not base64 of anything', 'x'],
    ['a bare id', Buffer.from('1042').toString('base64url')],
    ['id 0', Buffer.from('audit:0').toString('base64url')],
    ['a leading zero', Buffer.from('audit:01').toString('base64url')],
    ['a negative id', Buffer.from('audit:-5').toString('base64url')],
    ['beyond bigint', Buffer.from(`audit:${2n ** 63n}`).toString('base64url')],
    ['extra text', Buffer.from('audit:5|x').toString('base64url')],
  ])('refuses %s with a 400', (_, cursor) => {
    expect(() => decodeAuditCursor(cursor)).toThrow(ValidationFailed);
  });
});
