import { describe, expect, it } from '@jest/globals';
import { errorMessage, MAX_ERROR_LENGTH, retryDelay, retryPolicy } from './job-options.js';

describe('job options', () => {
  it('doubles the delay per retry when backing off', () => {
    const policy = retryPolicy({ retryDelaySeconds: 2 });
    expect([0, 1, 2].map((n) => retryDelay(policy, n))).toEqual([2, 4, 8]);
    expect(retryDelay(retryPolicy({ retryDelaySeconds: 2, retryBackoff: false }), 3)).toBe(2);
  });

  it('keeps an error’s message only, without credentials, truncated', () => {
    const error = new Error('connect to postgres://crm:hunter2@db:5432/x failed; Authorization: Bearer abc.def.ghi');
    expect(errorMessage(error)).toBe('connect to postgres://***@db:5432/x failed; Authorization: Bearer ***');
    expect(errorMessage(new Error('x'.repeat(5000)))).toHaveLength(MAX_ERROR_LENGTH);
    expect(errorMessage({ weird: true })).toBe('Job failed');
  });
});
