import { Injectable } from '@nestjs/common';
import { type Expression, type RawBuilder, sql } from 'kysely';
import { jsonBuildObject } from 'kysely/helpers/postgres';
import type { RecordKind } from '../records/live-records.repository.js';
import { TenantDb } from '../database/tenant-db.js';
import type { TimelineItem, TimelineItemType } from './dto/timeline.output.js';

/** Where the previous page stopped: the last item's (occurred_at, kind, id). */
export interface TimelineKey {
  /** Postgres text of the timestamp, microseconds included, so the keyset compares exactly. */
  at: string;
  kind: TimelineItemType;
  id: string;
}

export interface TimelineRow extends TimelineKey {
  actorId: string | null;
  actorName: string | null;
  /** The kind's data, as each branch's jsonb_build_object below writes it. */
  data: TimelineItem['data'];
}

/** ISO-8601 UTC with milliseconds, like the rest of the API. */
const iso = <T extends Date | null>(column: Expression<T>): RawBuilder<null extends T ? string | null : string> =>
  sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The column of activities / appointments that points at each kind of record. */
const ACTIVITY_COLUMN = {
  lead: 'a.leadId',
  contact: 'a.contactId',
  deal: 'a.dealId',
  listing: 'a.listingId',
} as const satisfies Record<RecordKind, string>;
const APPOINTMENT_COLUMN = { lead: 'ap.leadId', deal: 'ap.dealId', listing: 'ap.listingId' } as const;

interface Query {
  org: string;
  id: string;
  after: TimelineKey | undefined;
  take: number;
}

/** `(occurredAt, id) < cursor` on the branch's own columns; always true on the first page. */
function keyset(at: Expression<Date>, id: Expression<string>, after: TimelineKey | undefined): RawBuilder<boolean> {
  return after ? sql`(${at}, ${id}) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql`true`;
}

/**
 * One record's timeline: its activities, appointments and recorded changes merged newest
 * first. Each page is one UNION ALL query in which every branch applies the keyset
 * condition (occurred_at, id) < cursor and its own ORDER BY … LIMIT n on an index that
 * matches, so a page costs O(n) rows per source however long the timeline is. Ids are
 * random UUIDs, unique across the sources, so (occurred_at, id) orders every item.
 * RLS applies to every source: an AGENT sees the items they may see.
 */
@Injectable()
export class TimelineRepository {
  constructor(private readonly db: TenantDb) {}

  async page(kind: RecordKind, recordId: string, after: TimelineKey | undefined, take: number): Promise<TimelineRow[]> {
    const q: Query = { org: this.db.orgId, id: recordId, after, take };
    const branches: Expression<Branch>[] = [this.activities(kind, q), this.appointments(kind, q)];
    if (kind === 'deal') branches.push(this.stageChanges(q));
    if (kind === 'listing') branches.push(this.priceChanges(q), this.statusChanges(q));
    const merged = sql<Branch>`(${sql.join(
      branches.map((b) => sql`(${b})`),
      sql` UNION ALL `,
    )})`;
    const rows = await this.db.sql
      .selectFrom(merged.as('t'))
      .leftJoin('profiles as p', 'p.id', 't.actorId')
      .select((eb) => [
        't.kind',
        't.id',
        sql<string>`to_char(${eb.ref('t.occurredAt')} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at'),
        't.actorId',
        eb.fn.coalesce('p.fullName', 'p.email').as('actorName'),
        't.data',
      ])
      .orderBy('t.occurredAt', 'desc')
      .orderBy('t.id', 'desc')
      .limit(take)
      .execute();
    return rows;
  }

  private activities(kind: RecordKind, q: Query) {
    // occurred_at = coalesce(completed_at, created_at), stored so the keyset is an index bound.
    return this.db.sql
      .selectFrom('activities as a')
      .select((eb) => [
        sql<TimelineItemType>`'activity'`.as('kind'),
        'a.id',
        'a.occurredAt',
        'a.createdById as actorId',
        jsonBuildObject({
          id: eb.ref('a.id'),
          type: eb.ref('a.type'),
          title: eb.ref('a.title'),
          outcome: eb.ref('a.outcome'),
          dueDate: iso(eb.ref('a.dueDate')),
          completedAt: iso(eb.ref('a.completedAt')),
          assignedToId: eb.ref('a.assignedToId'),
        }).as('data'),
      ])
      .where('a.organizationId', '=', q.org)
      .where(ACTIVITY_COLUMN[kind], '=', q.id)
      .where((eb) => keyset(eb.ref('a.occurredAt'), eb.ref('a.id'), q.after))
      .orderBy('a.occurredAt', 'desc')
      .orderBy('a.id', 'desc')
      .limit(q.take);
  }

  private appointments(kind: RecordKind, q: Query) {
    return this.db.sql
      .selectFrom('appointments as ap')
      .select((eb) => [
        sql<TimelineItemType>`'appointment'`.as('kind'),
        'ap.id',
        'ap.startsAt as occurredAt',
        'ap.createdById as actorId',
        jsonBuildObject({
          id: eb.ref('ap.id'),
          type: eb.ref('ap.type'),
          status: eb.ref('ap.status'),
          title: eb.ref('ap.title'),
          startsAt: iso(eb.ref('ap.startsAt')),
          endsAt: iso(eb.ref('ap.endsAt')),
          location: eb.ref('ap.location'),
          agentId: eb.ref('ap.agentId'),
        }).as('data'),
      ])
      .where('ap.organizationId', '=', q.org)
      .where((eb) =>
        // A contact's appointments are those it attends.
        kind === 'contact'
          ? eb.exists(
              eb
                .selectFrom('appointment_attendees as aa')
                .select('aa.appointmentId')
                .whereRef('aa.organizationId', '=', 'ap.organizationId')
                .whereRef('aa.appointmentId', '=', 'ap.id')
                .where('aa.contactId', '=', q.id),
            )
          : eb(APPOINTMENT_COLUMN[kind], '=', q.id),
      )
      .where((eb) => keyset(eb.ref('ap.startsAt'), eb.ref('ap.id'), q.after))
      .orderBy('ap.startsAt', 'desc')
      .orderBy('ap.id', 'desc')
      .limit(q.take);
  }

  private stageChanges(q: Query) {
    return this.db.sql
      .selectFrom('deal_stage_history as h')
      .select((eb) => [
        sql<TimelineItemType>`'stage_change'`.as('kind'),
        'h.id',
        'h.changedAt as occurredAt',
        'h.changedById as actorId',
        jsonBuildObject({ id: eb.ref('h.id'), fromStage: eb.ref('h.fromStage'), toStage: eb.ref('h.toStage') }).as(
          'data',
        ),
      ])
      .where('h.organizationId', '=', q.org)
      .where('h.dealId', '=', q.id)
      .where((eb) => keyset(eb.ref('h.changedAt'), eb.ref('h.id'), q.after))
      .orderBy('h.changedAt', 'desc')
      .orderBy('h.id', 'desc')
      .limit(q.take);
  }

  private priceChanges(q: Query) {
    return this.db.sql
      .selectFrom('listing_price_history as h')
      .select((eb) => [
        sql<TimelineItemType>`'price_change'`.as('kind'),
        'h.id',
        'h.changedAt as occurredAt',
        'h.changedById as actorId',
        jsonBuildObject({
          id: eb.ref('h.id'),
          oldPrice: sql<string | null>`${eb.ref('h.oldPrice')}::text`,
          newPrice: sql<string>`${eb.ref('h.newPrice')}::text`,
        }).as('data'),
      ])
      .where('h.organizationId', '=', q.org)
      .where('h.listingId', '=', q.id)
      .where((eb) => keyset(eb.ref('h.changedAt'), eb.ref('h.id'), q.after))
      .orderBy('h.changedAt', 'desc')
      .orderBy('h.id', 'desc')
      .limit(q.take);
  }

  private statusChanges(q: Query) {
    return this.db.sql
      .selectFrom('listing_status_history as h')
      .select((eb) => [
        sql<TimelineItemType>`'status_change'`.as('kind'),
        'h.id',
        'h.changedAt as occurredAt',
        'h.changedById as actorId',
        jsonBuildObject({ id: eb.ref('h.id'), fromStatus: eb.ref('h.fromStatus'), toStatus: eb.ref('h.toStatus') }).as(
          'data',
        ),
      ])
      .where('h.organizationId', '=', q.org)
      .where('h.listingId', '=', q.id)
      .where((eb) => keyset(eb.ref('h.changedAt'), eb.ref('h.id'), q.after))
      .orderBy('h.changedAt', 'desc')
      .orderBy('h.id', 'desc')
      .limit(q.take);
  }
}

/** What every branch selects. */
interface Branch {
  kind: TimelineItemType;
  id: string;
  occurredAt: Date;
  actorId: string | null;
  data: TimelineItem['data'];
}
