import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { Event } from '../generated/prisma/client.js';

export type EventRow = Omit<Event, 'organizationId' | 'recipientId'>;
/** An event as the fan-out reads it: with the member it is meant for, if only one. */
export type FanoutRow = EventRow & Pick<Event, 'recipientId'>;

const EVENT_COLUMNS = [
  'seq',
  'type',
  'entity',
  'entityId',
  'fields',
  'refs',
  'actorUserId',
  'actorApiKeyId',
  'requestId',
  'createdAt',
] as const;

/** The outbox, read under row-level security: events_read shows a member what they may see. */
@Injectable()
export class EventsRepository {
  constructor(private readonly db: TenantDb) {}

  /** Up to `limit` events after `after`, oldest first. */
  after(after: bigint, limit: number): Promise<EventRow[]> {
    return this.db.sql
      .selectFrom('events')
      .select(EVENT_COLUMNS)
      .where('organizationId', '=', this.db.orgId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }

  /**
   * Every event of the organization after `after` (app.events_for_fanout): for the fan-out,
   * in a unit of work with an organization and no user, which applies events_read itself.
   */
  async forFanout(after: bigint, limit: number): Promise<FanoutRow[]> {
    const { rows } = await sql<FanoutRow>`
      SELECT seq, type, entity, entity_id AS "entityId", fields, refs, actor_user_id AS "actorUserId",
             actor_api_key_id AS "actorApiKeyId", request_id AS "requestId", recipient_id AS "recipientId",
             created_at AS "createdAt"
        FROM app.events_for_fanout(${after}, ${limit})`.execute(this.db.sql);
    return rows;
  }

  /**
   * For each AGENT of `agents`, the seqs in (from, to] events_read lets them see
   * (app.events_visible_to_agents), in the fan-out's unit of work.
   */
  async visibleToAgents(agents: string[], from: bigint, to: bigint): Promise<Map<string, Set<bigint>>> {
    const { rows } = await sql<{ userId: string; seq: bigint }>`
      SELECT user_id AS "userId", seq FROM app.events_visible_to_agents(${agents}::uuid[], ${from}, ${to})`.execute(
      this.db.sql,
    );
    const visible = new Map<string, Set<bigint>>(agents.map((a) => [a, new Set()]));
    for (const r of rows) visible.get(r.userId)?.add(BigInt(r.seq));
    return visible;
  }

  /**
   * The organization's last event id (0 when none), whether or not the member may see that
   * event (app.latest_event_seq, a number only): where a stream that starts from now starts.
   */
  async latestSeq(): Promise<bigint> {
    const { rows } = await sql<{ seq: string | bigint }>`SELECT app.latest_event_seq() AS seq`.execute(this.db.sql);
    return BigInt(rows[0]?.seq ?? 0);
  }

  /** Housekeeping (no organization): events older than `days`, and stream tokens long expired. */
  async purge(days: number): Promise<{ events: number; tokens: number }> {
    const { rows } = await sql<{ events: string; tokens: string }>`
      SELECT app.purge_events(${days}) AS events, app.purge_event_stream_tokens() AS tokens`.execute(this.db.sql);
    return { events: Number(rows[0]?.events ?? 0), tokens: Number(rows[0]?.tokens ?? 0) };
  }

  async mintStreamToken(tokenHash: Buffer, expiresAt: Date): Promise<void> {
    await this.db.sql
      .insertInto('event_stream_tokens')
      .values({
        tokenHash: new Uint8Array(tokenHash),
        organizationId: this.db.orgId,
        userId: this.db.userId,
        expiresAt,
      })
      .execute();
  }

  /** Spends a stream token (app.redeem_stream_token): its member once, while unexpired. */
  async redeemStreamToken(tokenHash: Buffer): Promise<{ orgId: string; userId: string } | undefined> {
    const { rows } = await sql<{ orgId: string; userId: string }>`
      SELECT organization_id AS "orgId", user_id AS "userId" FROM app.redeem_stream_token(${tokenHash})`.execute(
      this.db.sql,
    );
    return rows[0];
  }
}
