import { BusinessRuleViolation, type ErrorDetail, ErrorCode } from '../common/errors.js';
import { DealStage, DealStatus } from '../generated/prisma/enums.js';

/**
 * The deal pipeline's rules, in one place. The database backs them up with CHECK
 * constraints (deals_status_matches_stage, deals_lost_reason_when_lost,
 * deals_close_date_when_closed) and records every stage change by trigger.
 */

/** Pipeline order (the enum's order in the database). */
export const DEAL_STAGES: readonly DealStage[] = [
  DealStage.LEAD,
  DealStage.QUALIFIED,
  DealStage.PROPOSAL,
  DealStage.NEGOTIATION,
  DealStage.CLOSING,
  DealStage.CLOSED_WON,
  DealStage.CLOSED_LOST,
];

export const OPEN_STAGES: readonly DealStage[] = DEAL_STAGES.slice(0, 5);

/** Win probability (%) a deal takes on entering a stage, unless the caller gives one. */
export const DEFAULT_PROBABILITY: Readonly<Record<DealStage, number>> = {
  LEAD: 10,
  QUALIFIED: 25,
  PROPOSAL: 50,
  NEGOTIATION: 70,
  CLOSING: 90,
  CLOSED_WON: 100,
  CLOSED_LOST: 0,
};

/** The default probabilities in words, for the API's documentation: written from DEFAULT_PROBABILITY, never by hand. */
export const DEFAULT_PROBABILITY_TEXT = DEAL_STAGES.map((stage) => `${stage} ${DEFAULT_PROBABILITY[stage]}`).join(', ');

/** Statuses a caller may set; WON and LOST follow from the closed stages. */
export const SETTABLE_DEAL_STATUSES = [DealStatus.ACTIVE, DealStatus.ABANDONED] as const;

export const isClosedStage = (stage: DealStage): boolean =>
  stage === DealStage.CLOSED_WON || stage === DealStage.CLOSED_LOST;

/** The fields the stage rules own. */
export interface DealStageState {
  stage: DealStage;
  status: DealStatus;
  probability: number;
  lostReason: string | null;
  actualCloseDate: Date | null;
}

/** What a create, PATCH or POST …/stage asks for (undefined = not sent). */
export interface DealStageRequest {
  stage?: DealStage;
  status?: DealStatus;
  probability?: number;
  lostReason?: string | null;
  actualCloseDate?: Date | null;
}

const rule = (message: string, field: string, code: ErrorCode = ErrorCode.BusinessRule) =>
  new BusinessRuleViolation(message, code, [{ field, message } satisfies ErrorDetail]);

/**
 * The state a deal ends up in: `current` is null for a new deal.
 *
 * - CLOSED_WON → status WON, actualCloseDate = given or now.
 * - CLOSED_LOST → requires lostReason (LOST_REASON_REQUIRED), status LOST, actualCloseDate = given or now.
 * - A closed deal reopens only to an open stage, which sets status ACTIVE (unless ABANDONED is asked
 *   for) and clears actualCloseDate and lostReason; closed → the other closed stage is
 *   INVALID_STAGE_TRANSITION (reopen first).
 * - Entering a stage sets probability to DEFAULT_PROBABILITY unless one is given.
 */
export function resolveDealStage(
  current: DealStageState | null,
  req: DealStageRequest,
  now: Date = new Date(),
): DealStageState {
  const from = current?.stage ?? null;
  const to = req.stage ?? from ?? DealStage.LEAD;
  const entering = from !== to;

  if (from && isClosedStage(from) && isClosedStage(to) && entering) {
    throw rule(
      `A ${from} deal cannot move to ${to} directly: reopen it to an open stage first`,
      'stage',
      ErrorCode.InvalidStageTransition,
    );
  }
  if (req.status === DealStatus.WON || req.status === DealStatus.LOST) {
    throw rule('status WON/LOST follows the stage: move the deal to CLOSED_WON or CLOSED_LOST', 'status');
  }
  const probability = req.probability ?? (entering || !current ? DEFAULT_PROBABILITY[to] : current.probability);

  if (!isClosedStage(to)) {
    if (req.lostReason != null) throw rule('lostReason is only accepted with stage CLOSED_LOST', 'lostReason');
    if (req.actualCloseDate != null)
      throw rule('actualCloseDate is only accepted for a closed deal', 'actualCloseDate');
    const reopened = from !== null && isClosedStage(from);
    const status = req.status ?? (reopened || !current ? DealStatus.ACTIVE : current.status);
    return { stage: to, status, probability, lostReason: null, actualCloseDate: null };
  }

  if (req.status !== undefined) {
    throw rule(`A ${to} deal has status ${to === DealStage.CLOSED_WON ? 'WON' : 'LOST'}`, 'status');
  }
  const actualCloseDate = req.actualCloseDate ?? (entering ? null : current?.actualCloseDate) ?? now;

  if (to === DealStage.CLOSED_WON) {
    if (req.lostReason != null) throw rule('lostReason is only accepted with stage CLOSED_LOST', 'lostReason');
    return { stage: to, status: DealStatus.WON, probability, lostReason: null, actualCloseDate };
  }

  const lostReason = (req.lostReason !== undefined ? req.lostReason : entering ? null : current?.lostReason)?.trim();
  if (!lostReason) {
    throw rule('Moving a deal to CLOSED_LOST requires a lostReason', 'lostReason', ErrorCode.LostReasonRequired);
  }
  return { stage: to, status: DealStatus.LOST, probability, lostReason, actualCloseDate };
}
