import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildEstimator, PasswordEstimator, passwordWeakness } from './password-policy.js';

describe('PasswordEstimator', () => {
  it('builds zxcvbn on the first check, lets it go after the idle time, and rebuilds it on the next check', async () => {
    let builds = 0;
    const judge = new PasswordEstimator(200, () => {
      builds += 1;
      return buildEstimator();
    });
    expect(judge.loaded).toBe(false);

    await expect(passwordWeakness('password-123', [], judge)).resolves.toMatch(
      /^is too easy to guess \(strength [0-2] of 4/,
    );
    await expect(passwordWeakness('tide pool lantern marmalade', [], judge)).resolves.toBeUndefined();
    expect(builds).toBe(1);
    expect(judge.loaded).toBe(true);

    await sleep(400);
    expect(judge.loaded).toBe(false);

    await expect(passwordWeakness('qwertyuiop', [], judge)).resolves.toMatch(/too easy to guess/);
    expect(builds).toBe(2);
    expect(judge.loaded).toBe(true);
  });

  it('keeps the estimator while checks keep coming within the idle time', async () => {
    let builds = 0;
    const judge = new PasswordEstimator(300, async () => {
      builds += 1;
      return { check: () => ({ score: 4, feedback: { warning: null, suggestions: [] } }) } as never;
    });
    for (let i = 0; i < 4; i++) {
      await judge.check('tide pool lantern marmalade', []);
      await sleep(150);
    }
    expect(judge.loaded).toBe(true);
    expect(builds).toBe(1);
  });

  it('does not keep a failed build: the next check tries again', async () => {
    let builds = 0;
    const judge = new PasswordEstimator(60_000, async () => {
      builds += 1;
      if (builds === 1) throw new Error('import failed');
      return { check: () => ({ score: 4, feedback: { warning: null, suggestions: [] } }) } as never;
    });
    await expect(judge.check('tide pool lantern marmalade', [])).rejects.toThrow('import failed');
    expect(judge.loaded).toBe(false);
    await expect(judge.check('tide pool lantern marmalade', [])).resolves.toMatchObject({ score: 4 });
    expect(builds).toBe(2);
  });
});
