import { DealStage, ListingStatus } from '../generated/prisma/enums.js';
import { compare, compareMoney, fillBuckets } from './analytics-sql.js';
import type { AnalyticsScope } from './analytics-window.js';
import { toWindowOutput } from './analytics.mapper.js';
import type { ComparedCount, ComparedMoney } from './dto/analytics-common.output.js';
import type { OverviewOutput } from './dto/overview.output.js';
import { onlyRow, type OverviewRows } from './overview.repository.js';

/** Open stages in pipeline order: every one is listed, with zeros when it holds no deal. */
const OPEN_STAGES = [DealStage.LEAD, DealStage.QUALIFIED, DealStage.PROPOSAL, DealStage.NEGOTIATION, DealStage.CLOSING];
const LISTING_STATUSES = Object.values(ListingStatus);

/** A count beside the previous period's: both are known, so is their difference. */
const counted = (value: number, previous: number): ComparedCount => ({ value, previous, delta: value - previous });

/** compareMoney's delta is never null (both amounts are known); typed as the output says. */
const moneyCompared = (value: string, previous: string): ComparedMoney => {
  const { delta } = compareMoney(value, previous);
  return { value, previous, delta: delta ?? '0.00' };
};

const ZERO_BUCKET = { created: 0, contacted: 0, qualified: 0, converted: 0, lost: 0 };

/** The rows of the four statements as the response; totals come from each statement's grand-total row. */
export function toOverviewOutput(scope: AnalyticsScope, rows: OverviewRows): OverviewOutput {
  const l = onlyRow(rows.leads.filter((r) => r.total));
  const d = onlyRow(rows.deals.filter((r) => r.total));
  const li = onlyRow(rows.listings.filter((r) => r.total));
  const a = rows.activity;
  const bucketRows = rows.leads.flatMap(({ bucket, created, contacted, qualified, converted, lost }) =>
    bucket === null ? [] : [{ bucket, created, contacted, qualified, converted, lost }],
  );
  const stage = new Map(rows.deals.filter((r) => !r.total).map((r) => [r.stage, r]));
  const status = new Map(rows.listings.filter((r) => !r.total).map((r) => [r.status, r.listings]));
  return {
    window: toWindowOutput(scope),
    leads: {
      totals: {
        created: counted(l.created, l.prevCreated),
        contacted: counted(l.contacted, l.prevContacted),
        qualified: counted(l.qualified, l.prevQualified),
        converted: counted(l.converted, l.prevConverted),
        lost: counted(l.lost, l.prevLost),
        conversionRate: compare(l.conversionRate, l.prevConversionRate),
      },
      buckets: fillBuckets(scope.window, bucketRows, ZERO_BUCKET),
    },
    speedToLead: {
      answered: counted(l.answered, l.prevAnswered),
      medianSeconds: compare(l.medianSeconds, l.prevMedianSeconds),
      p90Seconds: compare(l.p90Seconds, l.prevP90Seconds),
      withinFiveMinutes: compare(l.withinFiveMinutes, l.prevWithinFiveMinutes),
    },
    pipeline: {
      openDeals: d.openDeals,
      value: d.openValue,
      weightedValue: d.weightedValue,
      byStage: OPEN_STAGES.map((s) => {
        const r = stage.get(s);
        return {
          stage: s,
          deals: r?.openDeals ?? 0,
          value: r?.openValue ?? '0.00',
          weightedValue: r?.weightedValue ?? '0.00',
        };
      }),
    },
    dealsWon: {
      count: counted(d.won, d.prevWon),
      value: moneyCompared(d.wonValue, d.prevWonValue),
      averageDaysToClose: compare(d.avgDaysToClose, d.prevAvgDaysToClose),
    },
    listings: {
      byStatus: LISTING_STATUSES.map((s) => ({ status: s, listings: status.get(s) ?? 0 })),
      newListings: counted(li.newListings, li.prevNewListings),
      medianDaysOnMarket: li.medianDaysOnMarket,
      priceChanges: counted(li.priceChanges, li.prevPriceChanges),
    },
    appointments: {
      held: counted(a.held, a.prevHeld),
      noShows: counted(a.noShows, a.prevNoShows),
    },
    tickets: {
      opened: counted(a.opened, a.prevOpened),
      resolved: counted(a.resolved, a.prevResolved),
      medianResolutionSeconds: compare(a.medianResolutionSeconds, a.prevMedianResolutionSeconds),
      openOverdue: a.openOverdue,
    },
  };
}
