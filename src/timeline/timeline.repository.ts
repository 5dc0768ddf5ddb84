import { Injectable } from '@nestjs/common';
import type { RecordKind } from '../activities/linked-records.repository.js';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';
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

interface RawRow {
  kind: TimelineItemType;
  id: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  data: TimelineItem['data'];
}

/** ISO-8601 UTC with milliseconds, like the rest of the API. */
const iso = (column: Prisma.Sql) => Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// Fixed identifiers chosen by the route, never by the client.
const ACTIVITY_COLUMN: Record<RecordKind, Prisma.Sql> = {
  lead: Prisma.raw('a.lead_id'),
  contact: Prisma.raw('a.contact_id'),
  deal: Prisma.raw('a.deal_id'),
  listing: Prisma.raw('a.listing_id'),
};
const APPOINTMENT_COLUMN: Record<Exclude<RecordKind, 'contact'>, Prisma.Sql> = {
  lead: Prisma.raw('ap.lead_id'),
  deal: Prisma.raw('ap.deal_id'),
  listing: Prisma.raw('ap.listing_id'),
};

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
    const q = { org: this.db.orgId, id: recordId, after, take };
    const branches = [this.activities(kind, q), this.appointments(kind, q)];
    if (kind === 'deal') branches.push(this.stageChanges(q));
    if (kind === 'listing') branches.push(this.priceChanges(q), this.statusChanges(q));
    const rows = await this.db.tx.$queryRaw<RawRow[]>`
      SELECT t.kind, t.id::text AS id,
             to_char(t.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
             t.actor_id::text AS actor_id, coalesce(p.full_name, p.email) AS actor_name, t.data
      FROM (${Prisma.join(branches, ' UNION ALL ')}) t
      LEFT JOIN profiles p ON p.id = t.actor_id
      ORDER BY t.occurred_at DESC, t.id DESC
      LIMIT ${take}::int`;
    return rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actorName: r.actor_name,
      data: r.data,
    }));
  }

  /** `AND (occurredAt, id) < cursor`, or nothing on the first page. */
  private keyset(occurredAt: Prisma.Sql, id: Prisma.Sql, after: TimelineKey | undefined): Prisma.Sql {
    return after
      ? Prisma.sql`AND (${occurredAt}, ${id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
      : Prisma.empty;
  }

  private activities(kind: RecordKind, q: Query): Prisma.Sql {
    // occurred_at = coalesce(completed_at, created_at), stored so the keyset is an index bound.
    const at = Prisma.sql`a.occurred_at`;
    return Prisma.sql`(
      SELECT 'activity'::text AS kind, a.id, ${at} AS occurred_at, a.created_by_id AS actor_id,
             jsonb_build_object(
               'id', a.id, 'type', a.type, 'title', a.title, 'outcome', a.outcome,
               'dueDate', ${iso(Prisma.sql`a.due_date`)}, 'completedAt', ${iso(Prisma.sql`a.completed_at`)},
               'assignedToId', a.assigned_to_id) AS data
      FROM activities a
      WHERE a.organization_id = ${q.org}::uuid AND ${ACTIVITY_COLUMN[kind]} = ${q.id}::uuid
        ${this.keyset(at, Prisma.sql`a.id`, q.after)}
      ORDER BY ${at} DESC, a.id DESC
      LIMIT ${q.take}::int)`;
  }

  private appointments(kind: RecordKind, q: Query): Prisma.Sql {
    // A contact's appointments are those it attends.
    const from =
      kind === 'contact'
        ? Prisma.sql`appointments ap JOIN appointment_attendees aa
            ON aa.organization_id = ap.organization_id AND aa.appointment_id = ap.id
            WHERE aa.organization_id = ${q.org}::uuid AND aa.contact_id = ${q.id}::uuid`
        : Prisma.sql`appointments ap
            WHERE ap.organization_id = ${q.org}::uuid AND ${APPOINTMENT_COLUMN[kind]} = ${q.id}::uuid`;
    return Prisma.sql`(
      SELECT 'appointment'::text AS kind, ap.id, ap.starts_at AS occurred_at, ap.created_by_id AS actor_id,
             jsonb_build_object(
               'id', ap.id, 'type', ap.type, 'status', ap.status, 'title', ap.title,
               'startsAt', ${iso(Prisma.sql`ap.starts_at`)}, 'endsAt', ${iso(Prisma.sql`ap.ends_at`)},
               'location', ap.location, 'agentId', ap.agent_id) AS data
      FROM ${from}
        ${this.keyset(Prisma.sql`ap.starts_at`, Prisma.sql`ap.id`, q.after)}
      ORDER BY ap.starts_at DESC, ap.id DESC
      LIMIT ${q.take}::int)`;
  }

  private stageChanges(q: Query): Prisma.Sql {
    return Prisma.sql`(
      SELECT 'stage_change'::text AS kind, h.id, h.changed_at AS occurred_at, h.changed_by_id AS actor_id,
             jsonb_build_object('id', h.id, 'fromStage', h.from_stage, 'toStage', h.to_stage) AS data
      FROM deal_stage_history h
      WHERE h.organization_id = ${q.org}::uuid AND h.deal_id = ${q.id}::uuid
        ${this.keyset(Prisma.sql`h.changed_at`, Prisma.sql`h.id`, q.after)}
      ORDER BY h.changed_at DESC, h.id DESC
      LIMIT ${q.take}::int)`;
  }

  private priceChanges(q: Query): Prisma.Sql {
    return Prisma.sql`(
      SELECT 'price_change'::text AS kind, h.id, h.changed_at AS occurred_at, h.changed_by_id AS actor_id,
             jsonb_build_object('id', h.id, 'oldPrice', h.old_price::text, 'newPrice', h.new_price::text) AS data
      FROM listing_price_history h
      WHERE h.organization_id = ${q.org}::uuid AND h.listing_id = ${q.id}::uuid
        ${this.keyset(Prisma.sql`h.changed_at`, Prisma.sql`h.id`, q.after)}
      ORDER BY h.changed_at DESC, h.id DESC
      LIMIT ${q.take}::int)`;
  }

  private statusChanges(q: Query): Prisma.Sql {
    return Prisma.sql`(
      SELECT 'status_change'::text AS kind, h.id, h.changed_at AS occurred_at, h.changed_by_id AS actor_id,
             jsonb_build_object('id', h.id, 'fromStatus', h.from_status, 'toStatus', h.to_status) AS data
      FROM listing_status_history h
      WHERE h.organization_id = ${q.org}::uuid AND h.listing_id = ${q.id}::uuid
        ${this.keyset(Prisma.sql`h.changed_at`, Prisma.sql`h.id`, q.after)}
      ORDER BY h.changed_at DESC, h.id DESC
      LIMIT ${q.take}::int)`;
  }
}

interface Query {
  org: string;
  id: string;
  after: TimelineKey | undefined;
  take: number;
}
