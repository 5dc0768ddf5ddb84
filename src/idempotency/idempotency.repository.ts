import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';

/** Where a key stands when a request arrives with it. */
export type Claim =
  | { state: 'claimed' }
  | { state: 'inProgress' }
  | { state: 'reused' }
  | { state: 'completed'; status: number; body: string };

export interface KeyRef {
  scope: string;
  key: string;
}

interface KeyRow {
  request_hash: string;
  status: 'IN_PROGRESS' | 'COMPLETED';
  response_status: number | null;
  response_body: string | null;
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
    const user = this.db.userId;
    await this.db.sql.execute(Prisma.sql`
      DELETE FROM idempotency_keys
      WHERE user_id = ${user}::uuid AND scope = ${scope}::text AND key = ${key}::text
        AND (expires_at < now() OR (status = 'IN_PROGRESS' AND locked_until < now() AND request_hash = ${hash}::text))`);
    const inserted = await this.db.sql.execute(Prisma.sql`
      INSERT INTO idempotency_keys (user_id, scope, key, request_hash, status, locked_until)
      VALUES (${user}::uuid, ${scope}::text, ${key}::text, ${hash}::text, 'IN_PROGRESS',
              now() + make_interval(secs => ${lockSeconds}::int))
      ON CONFLICT DO NOTHING`);
    if (inserted) return { state: 'claimed' };
    const [row] = await this.db.sql.query<KeyRow>(Prisma.sql`
      SELECT request_hash, status, response_status, response_body FROM idempotency_keys
      WHERE user_id = ${user}::uuid AND scope = ${scope}::text AND key = ${key}::text`);
    // Deleted meanwhile (expired between the two statements): the client may simply retry.
    if (!row) return { state: 'inProgress' };
    if (row.request_hash !== hash) return { state: 'reused' };
    if (row.status === 'IN_PROGRESS' || row.response_status === null) return { state: 'inProgress' };
    return { state: 'completed', status: row.response_status, body: row.response_body ?? '' };
  }

  /** Records the response: from then on the key replays it. */
  async complete({ scope, key }: KeyRef, status: number, body: string): Promise<void> {
    await this.db.sql.execute(Prisma.sql`
      UPDATE idempotency_keys SET status = 'COMPLETED', response_status = ${status}::int, response_body = ${body}::text
      WHERE user_id = ${this.db.userId}::uuid AND scope = ${scope}::text AND key = ${key}::text`);
  }

  /** Gives the key back (the request failed in a way a retry may fix). */
  async release({ scope, key }: KeyRef): Promise<void> {
    await this.db.sql.execute(Prisma.sql`
      DELETE FROM idempotency_keys
      WHERE user_id = ${this.db.userId}::uuid AND scope = ${scope}::text AND key = ${key}::text
        AND status = 'IN_PROGRESS'`);
  }

  /** Deletes expired keys of every user (a definer function touching expired rows only). */
  async purgeExpired(): Promise<number> {
    const [row] = await this.db.sql.query<{ n: number }>(Prisma.sql`SELECT app.purge_idempotency_keys() AS n`);
    return row?.n ?? 0;
  }
}
