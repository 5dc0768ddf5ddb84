import { describe, expect, it } from '@jest/globals';
import { longestMatch } from './validation-docs.js';

describe('longestMatch', () => {
  it.each([
    [/^\d{1,10}(\.\d{1,2})?$/, 13],
    [/^\d{1,2}(\.\d)?$/, 4],
    [/^[0-9+()\-.\s]{3,50}$/, 50],
    [/^[A-Za-z0-9_-]{43}$/, 43],
    [/^T-(?:ab|c)x$/, 5],
  ])('bounds %s at %i characters', (pattern, length) => {
    expect(longestMatch(pattern.source)).toBe(length);
  });

  it.each([/^[A-Za-z0-9_-]+$/, /^-?(a|b)(,-?(a|b))*$/, /^\d{2,}$/, /\d{1,3}$/, /^\d{1,3}/])(
    'gives no bound for %s (unbounded or unanchored)',
    (pattern) => {
      expect(longestMatch(pattern.source)).toBeUndefined();
    },
  );
});
