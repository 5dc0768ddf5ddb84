import { BusinessRuleViolation, ErrorCode } from '../common/errors.js';
import type { TicketStatus } from '../generated/prisma/enums.js';

/**
 * The ticket workflow (seed 001), in one place: where each status may go next, by
 * POST /v1/tickets/{id}/transition or a PATCH of status alike.
 *
 * | from             | to                                              |
 * | ---------------- | ----------------------------------------------- |
 * | OPEN             | IN_PROGRESS, PENDING_CUSTOMER, RESOLVED, CLOSED |
 * | IN_PROGRESS      | PENDING_CUSTOMER, RESOLVED, CLOSED              |
 * | PENDING_CUSTOMER | IN_PROGRESS, RESOLVED, CLOSED                   |
 * | RESOLVED         | CLOSED, REOPENED                                |
 * | CLOSED           | REOPENED                                        |
 * | REOPENED         | IN_PROGRESS, PENDING_CUSTOMER, RESOLVED, CLOSED |
 *
 * A customer's reply through a share link also moves PENDING_CUSTOMER to IN_PROGRESS.
 * resolved_at and closed_at follow the status in the database (trigger), whatever moved it.
 */
export const TICKET_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  OPEN: ['IN_PROGRESS', 'PENDING_CUSTOMER', 'RESOLVED', 'CLOSED'],
  IN_PROGRESS: ['PENDING_CUSTOMER', 'RESOLVED', 'CLOSED'],
  PENDING_CUSTOMER: ['IN_PROGRESS', 'RESOLVED', 'CLOSED'],
  RESOLVED: ['CLOSED', 'REOPENED'],
  CLOSED: ['REOPENED'],
  REOPENED: ['IN_PROGRESS', 'PENDING_CUSTOMER', 'RESOLVED', 'CLOSED'],
};

export const TICKET_STATUSES = Object.keys(TICKET_TRANSITIONS) as TicketStatus[];

/** The workflow in words, for the API's documentation: written from TICKET_TRANSITIONS, never by hand. */
export const TICKET_WORKFLOW_TEXT =
  `Workflow: ${TICKET_STATUSES.map((from) => `${from} → ${TICKET_TRANSITIONS[from].join(' | ')}`).join('; ')}. ` +
  'Any other move is 422 INVALID_STATUS_TRANSITION with the allowed next statuses in details. Every change is ' +
  'recorded in the history; resolvedAt is set on RESOLVED (or CLOSED without it) and cleared on REOPENED, ' +
  'closedAt is set on CLOSED and cleared on REOPENED.';

/** Statuses in which a ticket still needs work: counted as open, and overdue past dueAt. */
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['OPEN', 'IN_PROGRESS', 'PENDING_CUSTOMER', 'REOPENED'];

export const isOpenStatus = (status: TicketStatus): boolean => OPEN_TICKET_STATUSES.includes(status);

/** Whether a ticket may move `from → to` (staying put is not a transition). */
export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return TICKET_TRANSITIONS[from].includes(to);
}

export function nextStatuses(from: TicketStatus): TicketStatus[] {
  return [...TICKET_TRANSITIONS[from]];
}

/** 422 INVALID_STATUS_TRANSITION with the allowed next statuses in details. */
export class InvalidTicketTransition extends BusinessRuleViolation {
  constructor(from: TicketStatus, to: TicketStatus, field = 'to') {
    super(`A ticket cannot move from ${from} to ${to}`, ErrorCode.InvalidStatusTransition, [
      { field, message: `allowed: ${nextStatuses(from).join(', ')}` },
    ]);
  }
}

/** Throws InvalidTicketTransition unless `from → to` is in the table. */
export function assertTransition(from: TicketStatus, to: TicketStatus, field = 'to'): void {
  if (!canTransition(from, to)) throw new InvalidTicketTransition(from, to, field);
}

/** "T-1042" */
export const ticketReference = (number: number): string => `T-${number}`;

/** The number a search term names ("T-1042", "t1042", "#1042" or "1042"), if any. */
export function parseTicketNumber(term: string): number | undefined {
  const match = /^(?:t-?|#)?(\d{1,9})$/i.exec(term.trim());
  return match ? Number(match[1]) : undefined;
}
