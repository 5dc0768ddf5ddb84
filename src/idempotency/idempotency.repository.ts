import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { sql } from 'kysely';

/** Where a key stands when a request arrives with it. */
export type Claim =
  | { state: 'claimed' }
  /** Held by a request still running, or one whose end could not be recorded, until `lockedUntil`. */
  | { state: 'inProgress'; lockedUntil: Date | null }
  | { state: 'reused' }
  | { state: 'completed'; status: number; body: string };

export interface KeyRef {
  scope: string;
  key: string;
}

/** idempotency_keys of the current user (RLS: a user's keys are theirs alone). */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: TenantDb) {}

  /**
   * Claims the key for a request with this hash, unless it is held: an expired row, or a
   * claim abandoned by a dead process for this same request, gives way first.
   */
  async claim({ scope, key }: KeyRef, hash: string, lockSeconds: number): Promise<Claim> {
    const userId = this.db.userId;
    const same = { userId, scope, key };
    await this.db.sql
      .deleteFrom('idempotency_keys')
      .where('userId', '=', userId)
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where((eb) =>
        eb.or([
          eb('expiresAt', '<', sql<Date>`now()`),
          eb.and([
            eb('status', '=', 'IN_PROGRESS'),
            eb('lockedUntil', '<', sql<Date>`now()`),
            eb('requestHash', '=', hash),
          ]),
        ]),
      )
      .execute();
    const inserted = await this.db.sql
      .insertInto('idempotency_keys')
      .values({
        ...same,
        requestHash: hash,
        status: 'IN_PROGRESS',
        lockedUntil: sql<Date>`now() + make_interval(secs => ${lockSeconds})`,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows) return { state: 'claimed' };
    const row = await this.db.sql
      .selectFrom('idempotency_keys')
      .select(['requestHash', 'status', 'responseStatus', 'responseBody', 'lockedUntil'])
      .where('userId', '=', userId)
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    // Deleted meanwhile (expired between the two statements): the client may simply retry.
    if (!row) return { state: 'inProgress', lockedUntil: null };
    if (row.requestHash !== hash) return { state: 'reused' };
    if (row.status === 'IN_PROGRESS' || row.responseStatus === null) {
      return { state: 'inProgress', lockedUntil: row.lockedUntil };
    }
    return { state: 'completed', status: row.responseStatus, body: row.responseBody ?? '' };
  }

  /** Records the response: from then on the key replays it. */
  async complete({ scope, key }: KeyRef, status: number, body: string): Promise<void> {
    await this.db.sql
      .updateTable('idempotency_keys')
      .set({ status: 'COMPLETED', responseStatus: status, responseBody: body })
      .where('userId', '=', this.db.userId)
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  }

  /** Gives the key back (the request failed in a way a retry may fix). */
  async release({ scope, key }: KeyRef): Promise<void> {
    await this.db.sql
      .deleteFrom('idempotency_keys')
      .where('userId', '=', this.db.userId)
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('status', '=', 'IN_PROGRESS')
      .execute();
  }

  /** Deletes expired keys of every user (a definer function touching expired rows only). */
  async purgeExpired(): Promise<number> {
    const { rows } = await sql<{ n: number }>`SELECT app.purge_idempotency_keys() AS n`.execute(this.db.sql);
    return rows[0]?.n ?? 0;
  }
}
