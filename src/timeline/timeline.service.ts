import { Injectable } from '@nestjs/common';
import type { RecordKind } from '../records/live-records.repository.js';
import { LiveRecordsService } from '../records/live-records.service.js';
import { TenantDb } from '../database/tenant-db.js';
import type { TimelinePage } from './dto/timeline.output.js';
import type { TimelineQuery } from './dto/timeline.query.js';
import { decodeCursor, encodeCursor } from './timeline.cursor.js';
import { toTimelineItem } from './timeline.mapper.js';
import { TimelineRepository } from './timeline.repository.js';

@Injectable()
export class TimelineService {
  constructor(
    private readonly db: TenantDb,
    private readonly records: LiveRecordsService,
    private readonly timeline: TimelineRepository,
  ) {}

  /** A page of the record's timeline, newest first; 404 unless the record is live and visible. */
  page(kind: RecordKind, id: string, query: TimelineQuery): Promise<TimelinePage> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    return this.db.run(async () => {
      await this.records.mustSee(kind, id);
      // One extra row tells whether another page exists.
      const rows = await this.timeline.page(kind, id, after, query.limit + 1);
      const more = rows.length > query.limit;
      const page = more ? rows.slice(0, query.limit) : rows;
      const last = page.at(-1);
      return { data: page.map(toTimelineItem), nextCursor: more && last ? encodeCursor(last) : null };
    });
  }
}
