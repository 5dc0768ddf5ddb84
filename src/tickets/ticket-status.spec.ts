import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../common/errors.js';
import type { TicketStatus } from '../generated/prisma/enums.js';
import { TicketStatus as Statuses } from '../generated/prisma/enums.js';
import {
  assertTransition,
  canTransition,
  InvalidTicketTransition,
  isOpenStatus,
  nextStatuses,
  parseTicketNumber,
  TICKET_STATUSES,
  ticketReference,
} from './ticket-status.js';

// The documented table, written out independently of the implementation.
const ALLOWED: Record<TicketStatus, TicketStatus[]> = {
  OPEN: ['IN_PROGRESS', 'PENDING_CUSTOMER', 'RESOLVED', 'CLOSED'],
  IN_PROGRESS: ['PENDING_CUSTOMER', 'RESOLVED', 'CLOSED'],
  PENDING_CUSTOMER: ['IN_PROGRESS', 'RESOLVED', 'CLOSED'],
  RESOLVED: ['CLOSED', 'REOPENED'],
  CLOSED: ['REOPENED'],
  REOPENED: ['IN_PROGRESS', 'PENDING_CUSTOMER', 'RESOLVED', 'CLOSED'],
};

const ALL = Object.values(Statuses);
const pairs = ALL.flatMap((from) => ALL.map((to) => [from, to, ALLOWED[from].includes(to)] as const));

describe('ticket status workflow', () => {
  it('covers every status of the enum', () => {
    expect([...TICKET_STATUSES].sort()).toEqual([...ALL].sort());
  });

  it.each(pairs)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
    else expect(() => assertTransition(from, to)).toThrow(InvalidTicketTransition);
  });

  it('never allows staying in the same status', () => {
    for (const s of ALL) expect(canTransition(s, s)).toBe(false);
  });

  it('refuses with 422 INVALID_STATUS_TRANSITION listing the allowed next statuses', () => {
    let caught: InvalidTicketTransition | undefined;
    try {
      assertTransition('CLOSED', 'IN_PROGRESS');
    } catch (error) {
      caught = error as InvalidTicketTransition;
    }
    expect(caught).toBeInstanceOf(InvalidTicketTransition);
    expect(caught!.status).toBe(422);
    expect(caught!.code).toBe(ErrorCode.InvalidStatusTransition);
    expect(caught!.details).toEqual([{ field: 'to', message: 'allowed: REOPENED', code: 'NOT_ALLOWED' }]);
    expect(nextStatuses('RESOLVED')).toEqual(['CLOSED', 'REOPENED']);
  });

  it('counts OPEN, IN_PROGRESS, PENDING_CUSTOMER and REOPENED as open', () => {
    expect(ALL.filter(isOpenStatus).sort()).toEqual(['IN_PROGRESS', 'OPEN', 'PENDING_CUSTOMER', 'REOPENED']);
  });

  it.each([
    ['T-1042', 1042],
    ['t1042', 1042],
    ['#7', 7],
    [' 1042 ', 1042],
    ['T-', undefined],
    ['T-10a', undefined],
    ['leak', undefined],
    ['1234567890', undefined],
  ])('parses the ticket number in %j', (term, number) => {
    expect(parseTicketNumber(term)).toBe(number);
  });

  it('formats references as T-<number>', () => {
    expect(ticketReference(1042)).toBe('T-1042');
  });
});
