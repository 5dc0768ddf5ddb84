import { describe, expect, it } from '@jest/globals';
import { IMPORT_STATUSES, IMPORT_TRANSITIONS, type ImportAction, nextStatus } from './import-status.js';

describe('import state machine', () => {
  it('follows pending → running → paused → running, and cancels what has not ended', () => {
    expect(nextStatus('pending', 'start')).toBe('running');
    expect(nextStatus('running', 'pause')).toBe('paused');
    expect(nextStatus('paused', 'resume')).toBe('running');
    expect(nextStatus('failed', 'resume')).toBe('running');
    for (const s of ['pending', 'running', 'paused'] as const) expect(nextStatus(s, 'cancel')).toBe('cancelled');
  });

  it('refuses every other transition with 409', () => {
    for (const status of IMPORT_STATUSES) {
      for (const action of Object.keys(IMPORT_TRANSITIONS) as ImportAction[]) {
        if (IMPORT_TRANSITIONS[action].from.includes(status)) continue;
        let thrown: unknown;
        try {
          nextStatus(status, action);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toMatchObject({ status: 409, code: 'CONFLICT' });
      }
    }
    expect(() => nextStatus('completed', 'cancel')).toThrow(/completed cannot cancel/);
  });
});
