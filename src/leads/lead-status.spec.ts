import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../common/errors.js';
import { LeadStatus } from '../generated/prisma/enums.js';
import {
  assertCreatableStatus,
  assertTransition,
  canTransition,
  InvalidStatusTransition,
  nextStatuses,
} from './lead-status.js';

const ALL = Object.values(LeadStatus);

// The workflow of issue 4, written out by hand (not derived from LEAD_TRANSITIONS) so the table is checked.
const ALLOWED_BY_UPDATE = new Set([
  'NEW_LEAD>IN_CONTACT',
  'NEW_LEAD>LOST',
  'IN_CONTACT>QUALIFIED',
  'IN_CONTACT>UNQUALIFIED',
  'IN_CONTACT>LOST',
  'QUALIFIED>LOST',
  'LOST>IN_CONTACT',
  'UNQUALIFIED>IN_CONTACT',
  // Setting the same status is a no-op, allowed everywhere (CONVERTED included).
  ...ALL.map((s) => `${s}>${s}`),
]);
const pairs = ALL.flatMap((from) => ALL.map((to) => [from, to] as const));

describe('lead status workflow', () => {
  it.each(pairs)('update %s → %s', (from, to) => {
    const allowed = ALLOWED_BY_UPDATE.has(`${from}>${to}`);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
    else expect(() => assertTransition(from, to)).toThrow(InvalidStatusTransition);
  });

  it.each(ALL)('convert from %s is allowed only from an open status', (from) => {
    const open = ['NEW_LEAD', 'IN_CONTACT', 'QUALIFIED'].includes(from);
    expect(canTransition(from, 'CONVERTED', 'convert')).toBe(open);
    // The convert action leads nowhere but CONVERTED.
    for (const to of ALL.filter((s) => s !== 'CONVERTED')) expect(canTransition(from, to, 'convert')).toBe(false);
  });

  it('never reaches CONVERTED through an update, and never leaves it', () => {
    for (const from of ALL.filter((s) => s !== 'CONVERTED')) expect(canTransition(from, 'CONVERTED')).toBe(false);
    for (const to of ALL.filter((s) => s !== 'CONVERTED')) {
      expect(canTransition('CONVERTED', to)).toBe(false);
      expect(canTransition('CONVERTED', to, 'convert')).toBe(false);
    }
    expect(nextStatuses('CONVERTED')).toEqual([]);
  });

  it('lists the allowed next statuses in the 422 details', () => {
    const error = new InvalidStatusTransition('NEW_LEAD', 'QUALIFIED');
    expect(error.status).toBe(422);
    expect(error.code).toBe(ErrorCode.InvalidStatusTransition);
    expect(error.details).toEqual([{ field: 'status', message: 'allowed: IN_CONTACT, LOST', code: 'NOT_ALLOWED' }]);
    expect(new InvalidStatusTransition('CONVERTED', 'LOST').details).toEqual([
      { field: 'status', message: 'allowed: none (CONVERTED is final)', code: 'NOT_ALLOWED' },
    ]);
    expect(new InvalidStatusTransition('IN_CONTACT', 'CONVERTED').message).toMatch(/convert/);
  });

  it('refuses creating a lead CONVERTED and accepts every other status', () => {
    expect(() => assertCreatableStatus('CONVERTED')).toThrow(/CONVERTED/);
    for (const s of ALL.filter((x) => x !== 'CONVERTED')) expect(() => assertCreatableStatus(s)).not.toThrow();
    expect(() => assertCreatableStatus(undefined)).not.toThrow();
  });
});
