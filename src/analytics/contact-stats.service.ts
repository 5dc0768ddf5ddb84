import { Injectable } from '@nestjs/common';
import { ContactStatus, ContactType } from '../generated/prisma/enums.js';
import { AnalyticsDb } from './analytics-db.js';
import { compare, fillBuckets } from './analytics-sql.js';
import { toWindowOutput } from './analytics.mapper.js';
import { ContactStatsRepository, RECENCY_BANDS, type RecencyBand } from './contact-stats.repository.js';
import type { AnalyticsQuery } from './dto/analytics.query.js';
import type { ContactStatsOutput } from './dto/contact-stats.output.js';

/** Every value of an enum, each with its count (0 when the database returned none). */
const everyValue = <K extends string>(values: readonly K[], counts: Partial<Record<K, number>>): Record<K, number> =>
  Object.fromEntries(values.map((value) => [value, counts[value] ?? 0])) as Record<K, number>;

/** GET /v1/analytics/contacts: seed 001's customer stats (docs/analytics.md, "Contacts"). */
@Injectable()
export class ContactStatsService {
  constructor(
    private readonly analytics: AnalyticsDb,
    private readonly figures: ContactStatsRepository,
  ) {}

  stats(query: AnalyticsQuery): Promise<ContactStatsOutput> {
    return this.analytics.run(query, async (scope) => {
      const totals = await this.figures.totals(scope);
      const buckets = await this.figures.createdPerBucket(scope);
      return {
        window: toWindowOutput(scope),
        total: totals.total,
        byType: everyValue(Object.values(ContactType), totals.byType),
        byStatus: everyValue(Object.values(ContactStatus), totals.byStatus),
        withOpenDeals: totals.withOpenDeals,
        lastContacted: Object.fromEntries(RECENCY_BANDS.map((band) => [band, totals[band]])) as Record<
          RecencyBand,
          number
        >,
        created: compare(totals.created, totals.createdPrevious),
        series: fillBuckets(scope.window, buckets, { created: 0 }),
      };
    });
  }
}
