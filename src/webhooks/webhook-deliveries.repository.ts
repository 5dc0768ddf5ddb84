import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { skipTake } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { Event, WebhookAttempt, WebhookDelivery } from '../generated/prisma/client.js';
import type { DeliveryStatus } from './dto/delivery.output.js';
import type { ListDeliveriesQuery } from './dto/list-deliveries.query.js';

export type DispatchEvent = Pick<
  Event,
  'seq' | 'type' | 'entity' | 'entityId' | 'fields' | 'refs' | 'actorUserId' | 'actorApiKeyId' | 'createdAt'
>;

export interface NewDelivery {
  webhookId: string;
  eventSeq: bigint | null;
  eventType: string;
  body: string;
}

/** A delivery claimed for one attempt, with its webhook's URL, state and signing secrets. */
export type ClaimedDelivery = Pick<
  WebhookDelivery,
  'id' | 'webhookId' | 'eventSeq' | 'eventType' | 'body' | 'attempts' | 'retryStep'
> & { url: string; enabled: boolean; secrets: string[] };

export type DeliveryRow = Omit<WebhookDelivery, 'organizationId' | 'body' | 'leasedUntil' | 'updatedAt' | 'retryStep'>;

const DELIVERY_COLUMNS = [
  'id',
  'webhookId',
  'eventSeq',
  'eventType',
  'status',
  'attempts',
  'nextAttemptAt',
  'deliveredAt',
  'createdAt',
] as const;

/** The end of an attempt: the delivery's next state. */
export type AttemptOutcome =
  { status: 'DELIVERED' } | { status: 'FAILED' } | { status: 'PENDING'; nextAttemptAt: Date; retryStep: number };

/**
 * Deliveries, their attempts and the outbox cursor, all under the ADMIN-only policies of
 * migration 20261206070000 (the job runner works as the organization's ADMIN, with no user).
 * Plain SQL throughout: locks, conflict handling and the outbox reads have no Prisma form.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly db: TenantDb) {}

  // --- the dispatcher -------------------------------------------------------

  /** Organizations with new events for an enabled webhook, and their newest seq (app.webhook_dispatch_work). */
  async dispatchWork(limit: number): Promise<{ organizationId: string; lastSeq: bigint }[]> {
    const { rows } = await sql<{ organizationId: string; lastSeq: string }>`
      SELECT organization_id, last_seq::text FROM app.webhook_dispatch_work(${limit})`.execute(this.db.sql);
    return rows.map((r) => ({ organizationId: r.organizationId, lastSeq: BigInt(r.lastSeq) }));
  }

  /**
   * The organization's cursor, locked until COMMIT; undefined while another dispatcher holds
   * it (that one is reading the same events, so this one moves on).
   */
  async lockCursor(): Promise<bigint | undefined> {
    const locked = await this.db.sql
      .selectFrom('webhook_cursors')
      .select('lastSeq')
      .where('organizationId', '=', this.db.orgId)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (locked) return locked.lastSeq;
    // No cursor yet (a webhook made before this code ran): start at the beginning; events
    // older than each webhook's activeSince are still not delivered.
    const created = await this.db.sql
      .insertInto('webhook_cursors')
      .values({ organizationId: this.db.orgId, lastSeq: 0n })
      .onConflict((oc) => oc.column('organizationId').doNothing())
      .returning('lastSeq')
      .executeTakeFirst();
    return created?.lastSeq;
  }

  async moveCursor(lastSeq: bigint): Promise<void> {
    await this.db.sql
      .updateTable('webhook_cursors')
      .set({ lastSeq })
      .where('organizationId', '=', this.db.orgId)
      .execute();
  }

  /** Events after `after` up to `upTo`, oldest first; never a member's personal ones (recipient_id). */
  eventsAfter(after: bigint, upTo: bigint, limit: number): Promise<DispatchEvent[]> {
    return this.db.sql
      .selectFrom('events')
      .select(['seq', 'type', 'entity', 'entityId', 'fields', 'refs', 'actorUserId', 'actorApiKeyId', 'createdAt'])
      .where('organizationId', '=', this.db.orgId)
      .where('seq', '>', after)
      .where('seq', '<=', upTo)
      .where('recipientId', 'is', null)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }

  /** Writes deliveries (each (webhook, event) once, whoever dispatched it first); the ids of the new ones. */
  async insert(deliveries: NewDelivery[]): Promise<string[]> {
    if (!deliveries.length) return [];
    const rows = await this.db.sql
      .insertInto('webhook_deliveries')
      .values(deliveries.map((d) => ({ ...d, organizationId: this.db.orgId, nextAttemptAt: new Date() })))
      .onConflict((oc) =>
        oc.columns(['organizationId', 'webhookId', 'eventSeq']).where('eventSeq', 'is not', null).doNothing(),
      )
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Pending deliveries whose job was lost (app.webhook_overdue_deliveries). */
  async overdue(
    overdueSeconds: number,
    limit: number,
  ): Promise<{ organizationId: string; deliveryId: string; attempts: number }[]> {
    const { rows } = await sql<{ organizationId: string; deliveryId: string; attempts: number }>`
      SELECT organization_id, delivery_id, attempts FROM app.webhook_overdue_deliveries(${overdueSeconds}, ${limit})`.execute(
      this.db.sql,
    );
    return rows;
  }

  /** Deletes settled deliveries (and their attempts) older than `days`; how many. */
  async purge(days: number): Promise<number> {
    const { rows } = await sql<{ n: string }>`SELECT app.purge_webhook_deliveries(${days})::text AS n`.execute(
      this.db.sql,
    );
    return Number(rows[0]?.n ?? 0);
  }

  // --- one attempt ----------------------------------------------------------

  /**
   * Takes a due delivery for one attempt, holding it for `leaseSeconds` (committed before
   * the request is sent: no transaction stays open across it), with what the attempt needs
   * of its webhook: one statement, as this runs once per attempt. Undefined when it is not
   * due, already delivered or given up, or held by another attempt.
   */
  async claim(id: string, leaseSeconds: number): Promise<ClaimedDelivery | undefined> {
    const { rows } = await sql<ClaimedDelivery & { attempts: number; retryStep: number }>`
      UPDATE webhook_deliveries d
         SET leased_until = now() + make_interval(secs => ${leaseSeconds})
        FROM webhooks w
       WHERE d.organization_id = ${this.db.orgId}::uuid AND d.id = ${id}::uuid
         AND d.status = 'PENDING' AND d.next_attempt_at <= now()
         AND (d.leased_until IS NULL OR d.leased_until < now())
         AND w.organization_id = d.organization_id AND w.id = d.webhook_id
      RETURNING d.id, d.webhook_id, d.event_seq, d.event_type, d.body, d.attempts, d.retry_step,
                w.url, w.enabled,
                (SELECT array_remove(ARRAY[s.secret, s.previous_secret], NULL)
                   FROM app.webhook_signing_secrets(w.id) s) AS secrets`.execute(this.db.sql);
    return rows[0];
  }

  /**
   * Records an attempt and the delivery's next state, releasing it; with `endStreak`, the
   * webhook's failure streak ends too. One statement (the attempt and the streak as CTEs).
   */
  async finish(
    delivery: ClaimedDelivery,
    attempt: Omit<WebhookAttempt, 'organizationId' | 'deliveryId' | 'attempt'>,
    outcome: AttemptOutcome,
    endStreak: boolean,
  ): Promise<void> {
    const orgId = this.db.orgId;
    const number = delivery.attempts + 1;
    let query = this.db.sql.with('attempt', (db) =>
      db
        .insertInto('webhook_attempts')
        .values({ ...attempt, organizationId: orgId, deliveryId: delivery.id, attempt: number }),
    );
    if (endStreak) {
      query = query.with('streak', (db) =>
        db
          .updateTable('webhooks')
          .set({ consecutiveFailures: 0 })
          .where('organizationId', '=', orgId)
          .where('id', '=', delivery.webhookId)
          .where('consecutiveFailures', '>', 0),
      ) as unknown as typeof query; // the same builder with one more CTE; Kysely types each CTE
    }
    await query
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        attempts: number,
        leasedUntil: null,
        nextAttemptAt: outcome.status === 'PENDING' ? outcome.nextAttemptAt : null,
        ...(outcome.status === 'PENDING' && { retryStep: outcome.retryStep }),
        ...(outcome.status === 'DELIVERED' && { deliveredAt: new Date() }),
        updatedAt: new Date(),
      })
      .where('organizationId', '=', orgId)
      .where('id', '=', delivery.id)
      .execute();
  }

  /** Gives up a pending delivery without an attempt (its webhook was disabled or deleted meanwhile). */
  async cancel(id: string): Promise<void> {
    await this.db.sql
      .updateTable('webhook_deliveries')
      .set({ status: 'FAILED', nextAttemptAt: null, leasedUntil: null, updatedAt: new Date() })
      .where('organizationId', '=', this.db.orgId)
      .where('id', '=', id)
      .execute();
  }

  // --- the API --------------------------------------------------------------

  async page(webhookId: string, query: ListDeliveriesQuery): Promise<[DeliveryRow[], number]> {
    let base = this.db.sql
      .selectFrom('webhook_deliveries')
      .where('organizationId', '=', this.db.orgId)
      .where('webhookId', '=', webhookId);
    if (query.status) base = base.where('status', '=', query.status);
    const { skip, take } = skipTake(query);
    const [rows, count] = await Promise.all([
      base
        .select(DELIVERY_COLUMNS)
        .orderBy('createdAt', 'desc')
        .orderBy('id', 'desc')
        .offset(skip)
        .limit(take)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return [rows, Number(count.n)];
  }

  find(webhookId: string, id: string): Promise<DeliveryRow | undefined> {
    return this.db.sql
      .selectFrom('webhook_deliveries')
      .select(DELIVERY_COLUMNS)
      .where('organizationId', '=', this.db.orgId)
      .where('webhookId', '=', webhookId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The attempts of these deliveries, oldest first: one statement for a whole page. */
  attempts(deliveryIds: string[]): Promise<Omit<WebhookAttempt, 'organizationId'>[]> {
    if (!deliveryIds.length) return Promise.resolve([]);
    return this.db.sql
      .selectFrom('webhook_attempts')
      .select(['deliveryId', 'attempt', 'startedAt', 'durationMs', 'statusCode', 'error', 'responseBody'])
      .where('organizationId', '=', this.db.orgId)
      .where('deliveryId', 'in', deliveryIds)
      .orderBy('deliveryId')
      .orderBy('attempt')
      .execute();
  }

  /** Makes a delivery due now with a fresh retry schedule; undefined when an attempt holds it. */
  redeliver(webhookId: string, id: string): Promise<DeliveryRow | undefined> {
    return this.db.sql
      .updateTable('webhook_deliveries')
      .set({ status: 'PENDING' as DeliveryStatus, nextAttemptAt: new Date(), retryStep: 0, updatedAt: new Date() })
      .where('organizationId', '=', this.db.orgId)
      .where('webhookId', '=', webhookId)
      .where('id', '=', id)
      .where((eb) => eb.or([eb('leasedUntil', 'is', null), eb('leasedUntil', '<', sql<Date>`now()`)]))
      .returning(DELIVERY_COLUMNS)
      .executeTakeFirst();
  }

  /** A test ping for the webhook, due now. */
  insertPing(webhookId: string, eventType: string, body: string): Promise<DeliveryRow> {
    return this.db.sql
      .insertInto('webhook_deliveries')
      .values({ organizationId: this.db.orgId, webhookId, eventSeq: null, eventType, body, nextAttemptAt: new Date() })
      .returning(DELIVERY_COLUMNS)
      .executeTakeFirstOrThrow();
  }
}
