import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { EmailAttachment } from './templates.js';

export interface NewEmail {
  id: string;
  kind: string;
  toAddress: string;
  subject: string;
  text: string;
  html: string;
  attachments: EmailAttachment[];
}

/** A message the sender holds (app.claim_email): its content and the attempt this is. */
export interface ClaimedEmail extends NewEmail {
  attempts: number;
}

export interface PendingEmail {
  organizationId: string | null;
  id: string;
}

/**
 * email_outbox. The API inserts rows and never reads them (they may hold secret links); the
 * sender reads and updates them through definer functions that answer only a system unit of
 * work (no user: the job runner's, never a request's).
 */
@Injectable()
export class EmailRepository {
  constructor(private readonly db: TenantDb) {}

  /** No RETURNING: crm_app may not read the row back. */
  async insert(organizationId: string | null, { attachments, ...email }: NewEmail): Promise<void> {
    await this.db.sql
      .insertInto('email_outbox')
      // As text, cast in SQL: node-postgres would send a JS array as a Postgres array literal.
      .values({
        ...email,
        organizationId,
        attachments: sql`CAST(${JSON.stringify(attachments)}::text AS jsonb)`,
      })
      .execute();
  }

  /** Takes a PENDING message for one attempt (leased for five minutes); null when there is none to take. */
  async claim(id: string): Promise<ClaimedEmail | null> {
    const { rows } = await sql<ClaimedEmail>`SELECT * FROM app.claim_email(${id}::uuid)`.execute(this.db.sql);
    return rows[0] ?? null;
  }

  /** Sent (error null), to be retried, or failed for good (final). */
  async finish(id: string, error: string | null, final: boolean): Promise<void> {
    await sql`SELECT app.finish_email(${id}::uuid, ${error}, ${final})`.execute(this.db.sql);
  }

  /** Messages still waiting `olderThanSeconds` after they were written: the sweep's work. */
  async pending(olderThanSeconds: number, limit: number): Promise<PendingEmail[]> {
    const { rows } = await sql<PendingEmail>`
      SELECT * FROM app.pending_emails(make_interval(secs => ${olderThanSeconds}), ${limit})`.execute(this.db.sql);
    return rows;
  }

  /** Deletes sent and failed messages older than `days` (at most `limit`); the job runner's unit of work only. */
  async purgeFinished(days: number, limit: number): Promise<number> {
    const { rows } = await sql<{ n: string }>`SELECT app.purge_emails(${days}, ${limit}) AS n`.execute(this.db.sql);
    return Number(rows[0]?.n ?? 0);
  }
}
