import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/errors.js';
import {
  DEAL_STAGES,
  DEFAULT_PROBABILITY,
  DEFAULT_PROBABILITY_TEXT,
  type DealStageRequest,
  type DealStageState,
  OPEN_STAGES,
  resolveDealStage,
} from './deal-stage.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const EARLIER = new Date('2026-10-01T00:00:00.000Z');

const open = (over: Partial<DealStageState> = {}): DealStageState => ({
  stage: 'PROPOSAL',
  status: 'ACTIVE',
  probability: 55,
  lostReason: null,
  actualCloseDate: null,
  ...over,
});
const won = (): DealStageState => ({
  stage: 'CLOSED_WON',
  status: 'WON',
  probability: 100,
  lostReason: null,
  actualCloseDate: EARLIER,
});
const lost = (): DealStageState => ({
  stage: 'CLOSED_LOST',
  status: 'LOST',
  probability: 0,
  lostReason: 'Went with another agent',
  actualCloseDate: EARLIER,
});

function codeOf(fn: () => unknown): { status: number; code: string; field?: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { status: e.status, code: e.code, field: e.details?.[0]?.field };
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('deal stage rules', () => {
  it('lists the stages in pipeline order with a default probability for each', () => {
    expect(DEAL_STAGES).toEqual([
      'LEAD',
      'QUALIFIED',
      'PROPOSAL',
      'NEGOTIATION',
      'CLOSING',
      'CLOSED_WON',
      'CLOSED_LOST',
    ]);
    expect(OPEN_STAGES).toEqual(['LEAD', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION', 'CLOSING']);
    expect(DEFAULT_PROBABILITY).toEqual({
      LEAD: 10,
      QUALIFIED: 25,
      PROPOSAL: 50,
      NEGOTIATION: 70,
      CLOSING: 90,
      CLOSED_WON: 100,
      CLOSED_LOST: 0,
    });
  });

  it('documents the default probabilities from the table, every stage in pipeline order', () => {
    expect(DEFAULT_PROBABILITY_TEXT.split(', ')).toEqual(
      DEAL_STAGES.map((stage) => `${stage} ${DEFAULT_PROBABILITY[stage]}`),
    );
  });

  describe('a new deal', () => {
    it('starts at LEAD, ACTIVE, with the LEAD probability', () => {
      expect(resolveDealStage(null, {}, NOW)).toEqual({
        stage: 'LEAD',
        status: 'ACTIVE',
        probability: 10,
        lostReason: null,
        actualCloseDate: null,
      });
    });

    it.each(OPEN_STAGES)('created at %s takes that stage’s probability unless given', (stage) => {
      expect(resolveDealStage(null, { stage }, NOW).probability).toBe(DEFAULT_PROBABILITY[stage]);
      expect(resolveDealStage(null, { stage, probability: 33 }, NOW).probability).toBe(33);
    });

    it('may be created already won or lost (imports), under the same rules', () => {
      expect(resolveDealStage(null, { stage: 'CLOSED_WON' }, NOW)).toMatchObject({
        status: 'WON',
        actualCloseDate: NOW,
        probability: 100,
      });
      expect(codeOf(() => resolveDealStage(null, { stage: 'CLOSED_LOST' }, NOW))).toEqual({
        status: 422,
        code: 'LOST_REASON_REQUIRED',
        field: 'lostReason',
      });
    });
  });

  describe('moving between open stages', () => {
    it('applies the new stage’s default probability, or the one given', () => {
      expect(resolveDealStage(open(), { stage: 'NEGOTIATION' }, NOW)).toEqual({
        stage: 'NEGOTIATION',
        status: 'ACTIVE',
        probability: 70,
        lostReason: null,
        actualCloseDate: null,
      });
      expect(resolveDealStage(open(), { stage: 'NEGOTIATION', probability: 65 }, NOW).probability).toBe(65);
    });

    it('keeps probability and status when the stage does not change', () => {
      expect(resolveDealStage(open({ status: 'ABANDONED' }), { stage: 'PROPOSAL' }, NOW)).toEqual(
        open({ status: 'ABANDONED' }),
      );
      expect(resolveDealStage(open(), {}, NOW)).toEqual(open());
    });

    it('lets the caller abandon and revive an open deal', () => {
      expect(resolveDealStage(open(), { status: 'ABANDONED' }, NOW).status).toBe('ABANDONED');
      expect(resolveDealStage(open({ status: 'ABANDONED' }), { status: 'ACTIVE' }, NOW).status).toBe('ACTIVE');
    });

    it('refuses a lost reason or close date on an open deal', () => {
      expect(codeOf(() => resolveDealStage(open(), { lostReason: 'x' }, NOW))).toMatchObject({
        status: 422,
        field: 'lostReason',
      });
      expect(codeOf(() => resolveDealStage(open(), { actualCloseDate: NOW }, NOW))).toMatchObject({
        status: 422,
        field: 'actualCloseDate',
      });
      // null means "none", which is what an open deal has
      expect(resolveDealStage(open(), { lostReason: null, actualCloseDate: null }, NOW)).toEqual(open());
    });

    it('never lets the caller set WON or LOST directly', () => {
      for (const status of ['WON', 'LOST'] as const) {
        expect(codeOf(() => resolveDealStage(open(), { status }, NOW))).toMatchObject({ status: 422, field: 'status' });
      }
    });
  });

  describe('closing', () => {
    it('CLOSED_WON sets WON, probability 100 and the close date (now unless given)', () => {
      expect(resolveDealStage(open(), { stage: 'CLOSED_WON' }, NOW)).toEqual({
        stage: 'CLOSED_WON',
        status: 'WON',
        probability: 100,
        lostReason: null,
        actualCloseDate: NOW,
      });
      expect(resolveDealStage(open(), { stage: 'CLOSED_WON', actualCloseDate: EARLIER }, NOW).actualCloseDate).toBe(
        EARLIER,
      );
    });

    it('CLOSED_LOST requires a non-blank lostReason', () => {
      for (const lostReason of [undefined, null, '', '   ']) {
        expect(codeOf(() => resolveDealStage(open(), { stage: 'CLOSED_LOST', lostReason }, NOW))).toEqual({
          status: 422,
          code: 'LOST_REASON_REQUIRED',
          field: 'lostReason',
        });
      }
    });

    it('CLOSED_LOST sets LOST, probability 0, the trimmed reason and the close date', () => {
      expect(resolveDealStage(open(), { stage: 'CLOSED_LOST', lostReason: '  Financing fell through ' }, NOW)).toEqual({
        stage: 'CLOSED_LOST',
        status: 'LOST',
        probability: 0,
        lostReason: 'Financing fell through',
        actualCloseDate: NOW,
      });
    });

    it('keeps the close date and reason of a deal that stays closed, and lets the reason be edited', () => {
      expect(resolveDealStage(lost(), {}, NOW)).toEqual(lost());
      expect(resolveDealStage(lost(), { lostReason: 'Price' }, NOW)).toEqual({ ...lost(), lostReason: 'Price' });
      expect(codeOf(() => resolveDealStage(lost(), { lostReason: null }, NOW)).code).toBe('LOST_REASON_REQUIRED');
      expect(resolveDealStage(won(), { stage: 'CLOSED_WON' }, NOW)).toEqual(won());
    });

    it('refuses a lost reason on a won deal and a status on any closed deal', () => {
      expect(codeOf(() => resolveDealStage(open(), { stage: 'CLOSED_WON', lostReason: 'x' }, NOW)).field).toBe(
        'lostReason',
      );
      expect(codeOf(() => resolveDealStage(won(), { status: 'ACTIVE' }, NOW))).toMatchObject({
        status: 422,
        field: 'status',
      });
    });
  });

  describe('closed deals', () => {
    it.each([
      [won(), 'CLOSED_LOST'],
      [lost(), 'CLOSED_WON'],
    ] as const)('cannot jump from one closed stage to the other (%#)', (deal, stage) => {
      const req: DealStageRequest = { stage, lostReason: 'any' };
      expect(codeOf(() => resolveDealStage(deal, req, NOW))).toEqual({
        status: 422,
        code: 'INVALID_STAGE_TRANSITION',
        field: 'stage',
      });
    });

    it.each(OPEN_STAGES)('reopen to %s: ACTIVE again, close date and lost reason cleared', (stage) => {
      for (const deal of [won(), lost()]) {
        expect(resolveDealStage(deal, { stage }, NOW)).toEqual({
          stage,
          status: 'ACTIVE',
          probability: DEFAULT_PROBABILITY[stage],
          lostReason: null,
          actualCloseDate: null,
        });
      }
    });

    it('may reopen straight into ABANDONED when asked', () => {
      expect(resolveDealStage(lost(), { stage: 'LEAD', status: 'ABANDONED' }, NOW).status).toBe('ABANDONED');
    });
  });
});
