import { BusinessRuleViolation, ErrorCode } from '../common/errors.js';
import type { LeadStatus } from '../generated/prisma/enums.js';

/**
 * The lead workflow, in one place. Each status lists where it may go next through
 * an ordinary update (PATCH, bulk update, qualify). CONVERTED is reached only by
 * the convert action (from an open status) and is final.
 */
export const LEAD_TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  NEW_LEAD: ['IN_CONTACT', 'LOST'],
  IN_CONTACT: ['QUALIFIED', 'UNQUALIFIED', 'LOST'],
  QUALIFIED: ['LOST'],
  UNQUALIFIED: ['IN_CONTACT'],
  LOST: ['IN_CONTACT'],
  CONVERTED: [],
};

/** Statuses a lead is still being worked in: they may be lost or converted. */
export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = ['NEW_LEAD', 'IN_CONTACT', 'QUALIFIED'];

export type TransitionVia = 'update' | 'convert';

/** Whether `from → to` is allowed; through an update the same status is always allowed (a no-op). */
export function canTransition(from: LeadStatus, to: LeadStatus, via: TransitionVia = 'update'): boolean {
  if (from === to) return via === 'update';
  if (to === 'CONVERTED') return via === 'convert' && OPEN_LEAD_STATUSES.includes(from);
  return via === 'update' && LEAD_TRANSITIONS[from].includes(to);
}

/** The statuses an update may move `from` to (excluding staying put). */
export function nextStatuses(from: LeadStatus, via: TransitionVia = 'update'): LeadStatus[] {
  if (via === 'convert') return OPEN_LEAD_STATUSES.includes(from) ? ['CONVERTED'] : [];
  return [...LEAD_TRANSITIONS[from]];
}

/** Statuses a lead may be created with: anything but CONVERTED, which needs a contact. */
export const CREATABLE_STATUSES: readonly LeadStatus[] = (Object.keys(LEAD_TRANSITIONS) as LeadStatus[]).filter(
  (s) => s !== 'CONVERTED',
);

function allowedMessage(from: LeadStatus, via: TransitionVia): string {
  if (via === 'convert') return `only a lead in ${OPEN_LEAD_STATUSES.join(', ')} can be converted`;
  const next = nextStatuses(from, via);
  return next.length ? `allowed: ${next.join(', ')}` : `allowed: none (${from} is final)`;
}

/** 422 INVALID_STATUS_TRANSITION with the allowed next statuses in details. */
export class InvalidStatusTransition extends BusinessRuleViolation {
  constructor(from: LeadStatus, to: LeadStatus, via: TransitionVia = 'update', field = 'status') {
    const hint = to === 'CONVERTED' && via === 'update' ? ' (use POST /v1/leads/{id}/convert)' : '';
    super(`A lead cannot move from ${from} to ${to}${hint}`, ErrorCode.InvalidStatusTransition, [
      { field, message: allowedMessage(from, via) },
    ]);
  }
}

/** Throws InvalidStatusTransition unless `from → to` is allowed. */
export function assertTransition(from: LeadStatus, to: LeadStatus, via: TransitionVia = 'update'): void {
  if (!canTransition(from, to, via)) throw new InvalidStatusTransition(from, to, via);
}

/** 422 INVALID_STATUS_TRANSITION for a lead created in a status it can only reach by converting. */
export function assertCreatableStatus(status: LeadStatus | undefined): void {
  if (status === undefined || CREATABLE_STATUSES.includes(status)) return;
  throw new BusinessRuleViolation(
    `A lead cannot be created ${status}: create it, then POST /v1/leads/{id}/convert`,
    ErrorCode.InvalidStatusTransition,
    [{ field: 'status', message: `allowed: ${CREATABLE_STATUSES.join(', ')}` }],
  );
}
