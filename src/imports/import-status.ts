import { Conflict } from '../common/errors.js';

export const IMPORT_STATUSES = ['pending', 'running', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const IMPORT_ACTIONS = ['start', 'pause', 'resume', 'cancel'] as const;
export type ImportAction = (typeof IMPORT_ACTIONS)[number];

/**
 * The state machine (docs/imports.md): pending → running → completed | failed | cancelled,
 * running ⇄ paused. A failed job may be resumed: it continues after its checkpoint.
 * completed and cancelled are final.
 */
export const IMPORT_TRANSITIONS: Record<ImportAction, { from: readonly ImportStatus[]; to: ImportStatus }> = {
  start: { from: ['pending'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused', 'failed'], to: 'running' },
  cancel: { from: ['pending', 'running', 'paused'], to: 'cancelled' },
};

/** The status `action` leads to from `current`, or 409 CONFLICT naming what is allowed. */
export function nextStatus(current: ImportStatus, action: ImportAction): ImportStatus {
  const t = IMPORT_TRANSITIONS[action];
  if (!t.from.includes(current)) {
    throw new Conflict(
      `An import that is ${current} cannot ${action}: only a ${t.from.join(' or ')} one can`,
      undefined,
      [{ field: 'status', message: `is ${current}; ${action} needs ${t.from.join(' or ')}` }],
    );
  }
  return t.to;
}
