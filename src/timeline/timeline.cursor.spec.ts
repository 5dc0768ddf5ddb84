import { describe, expect, it } from '@jest/globals';
import { ValidationFailed } from '../common/errors.js';
import { decodeCursor, encodeCursor } from './timeline.cursor.js';

describe('timeline cursor', () => {
  const key = {
    at: '2026-11-23T16:00:00.123456Z',
    kind: 'stage_change' as const,
    id: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b',
  };

  it('round-trips (occurredAt, kind, id) through an opaque base64url string', () => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(key.id);
    expect(decodeCursor(cursor)).toEqual(key);
  });

  it.each([
    ['not base64 of anything', 'x'],
    ['an unknown kind', Buffer.from(`${key.at}|note|${key.id}`).toString('base64url')],
    ['a bad id', Buffer.from(`${key.at}|activity|nope`).toString('base64url')],
    ['a bad time', Buffer.from(`yesterday|activity|${key.id}`).toString('base64url')],
    ['extra parts', Buffer.from(`${key.at}|activity|${key.id}|x`).toString('base64url')],
  ])('refuses %s with a 400', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationFailed);
  });
});
