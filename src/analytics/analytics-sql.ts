import { type Expression, type RawBuilder, sql } from 'kysely';
import type { AnalyticsWindow } from './analytics-window.js';

/** The local first day (YYYY-MM-DD) of the bucket an instant falls in: the key of AnalyticsWindow.buckets. */
export const bucketOf = (window: AnalyticsWindow, instant: Expression<unknown>): RawBuilder<string> =>
  sql<string>`to_char(date_trunc(${window.interval}, timezone(${window.timeZone}, ${instant})), 'YYYY-MM-DD')`;

/** part / whole as a fraction rounded to 4 decimals; null when there is nothing to divide by. */
export const rateOf = (part: Expression<unknown>, whole: Expression<unknown>): RawBuilder<number | null> =>
  sql<number | null>`round(${part}::numeric / nullif(${whole}, 0), 4)::float8`;

/** A figure beside the previous period's: `delta` = value − previous, null when either is null. */
export interface Compared<T> {
  value: T;
  previous: T;
  delta: T | null;
}

export function compare(value: number, previous: number): Compared<number> & { delta: number };
export function compare(value: number | null, previous: number | null): Compared<number | null>;
export function compare(value: number | null, previous: number | null): Compared<number | null> {
  const delta = value === null || previous === null ? null : round4(value - previous);
  return { value, previous, delta };
}

/** Money figures are decimal strings (2 places); their delta is computed in cents, exactly. */
export function compareMoney(value: string, previous: string): Compared<string> & { delta: string } {
  const diff = cents(value) - cents(previous);
  const sign = diff < 0n ? '-' : '';
  const abs = diff < 0n ? -diff : diff;
  return { value, previous, delta: `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}` };
}

/** A decimal string with at most 2 places (`-12.5`, `300.00`) in cents, without floating point. */
function cents(money: string): bigint {
  const negative = money.startsWith('-');
  const [whole = '0', fraction = ''] = money.replace(/^-/, '').split('.');
  const amount = BigInt(whole) * 100n + BigInt(`${fraction}00`.slice(0, 2));
  return negative ? -amount : amount;
}

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/**
 * The window's buckets in order, each with the row the database returned for it or `zero`
 * (no row: nothing happened in that bucket).
 */
export function fillBuckets<R extends { bucket: string }, Z>(
  window: AnalyticsWindow,
  rows: readonly R[],
  zero: Z,
): (R | (Z & { bucket: string }))[] {
  const byBucket = new Map(rows.map((row) => [row.bucket, row]));
  return window.buckets.map((bucket) => byBucket.get(bucket) ?? { ...zero, bucket });
}
