import type { MemberRole } from '../generated/prisma/enums.js';

/** Named periods, each ending with today (in the organization's time zone). */
export const PERIODS = ['7d', '30d', '90d', '1y', 'mtd', 'qtd', 'ytd'] as const;
export type Period = (typeof PERIODS)[number];

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** The bucket size a period gets when the request names none: about 7–31 buckets. */
export const DEFAULT_INTERVAL: Record<Period | 'custom', Interval> = {
  '7d': 'day',
  '30d': 'day',
  mtd: 'day',
  '90d': 'week',
  qtd: 'week',
  '1y': 'month',
  ytd: 'month',
  custom: 'week',
};

/** A from/to range spans at most this many days (three years of daily buckets). */
export const MAX_CUSTOM_DAYS = 1096;

/**
 * What every figure is computed over: [from, to) and the previous period [previousFrom,
 * previousTo) of the same calendar length, as instants resolved in the organization's time
 * zone, and the buckets the current period is cut into.
 */
export interface AnalyticsWindow {
  timeZone: string;
  period: Period | 'custom';
  interval: Interval;
  from: Date;
  to: Date;
  previousFrom: Date;
  previousTo: Date;
  /** Each bucket's first local day (YYYY-MM-DD), in order; the first may start before `from`. */
  buckets: string[];
}

/**
 * Whose figures: `agentId` narrows every figure to the records assigned to that member; null
 * means everything the caller may see. An AGENT is always narrowed to themselves.
 */
export interface AnalyticsScope {
  window: AnalyticsWindow;
  agentId: string | null;
  role: MemberRole;
}
