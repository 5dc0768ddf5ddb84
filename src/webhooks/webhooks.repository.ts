import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { skipTake, type PageQuery } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { Prisma, Webhook } from '../generated/prisma/client.js';

/**
 * crm_app may write the secrets but not read them (migration 20261206070000): every read
 * leaves them out, and only app.webhook_signing_secrets / app.rotate_webhook_secret touch them.
 */
const SECRETS = { secret: true, previousSecret: true } as const;
export type WebhookRow = Omit<Webhook, keyof typeof SECRETS>;

export interface NewWebhook {
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  secret: string;
}

/** What the dispatcher needs of an enabled webhook. */
export interface Subscription {
  id: string;
  events: string[];
  activeSince: Date;
}

/** webhooks' policy shows an organization's webhooks to its ADMINs only. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: TenantDb) {}

  list(query: PageQuery): Promise<[WebhookRow[], number]> {
    const where: Prisma.WebhookWhereInput = { organizationId: this.db.orgId };
    return Promise.all([
      this.db.tx.webhook.findMany({
        where,
        omit: SECRETS,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        ...skipTake(query),
      }),
      this.db.tx.webhook.count({ where }),
    ]);
  }

  find(id: string): Promise<WebhookRow | null> {
    return this.db.tx.webhook.findFirst({ where: { id, organizationId: this.db.orgId }, omit: SECRETS });
  }

  create(webhook: NewWebhook): Promise<WebhookRow> {
    return this.db.tx.webhook.create({
      data: { ...webhook, organizationId: this.db.orgId, createdById: this.db.context.userId ?? null },
      omit: SECRETS,
    });
  }

  async update(id: string, data: Prisma.WebhookUpdateManyMutationInput): Promise<WebhookRow | null> {
    const [row] = await this.db.tx.webhook.updateManyAndReturn({
      where: { id, organizationId: this.db.orgId },
      data: { ...data, updatedAt: new Date() },
      omit: SECRETS,
    });
    return row ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.db.tx.webhook.deleteMany({ where: { id, organizationId: this.db.orgId } });
    return count > 0;
  }

  /**
   * Starts the organization's outbox cursor at its newest event, the first time it has a
   * webhook: history from before is never delivered.
   */
  async startCursor(): Promise<void> {
    await sql`
      INSERT INTO webhook_cursors (organization_id, last_seq)
      SELECT ${this.db.orgId}::uuid, coalesce(max(e.seq), 0) FROM events e WHERE e.organization_id = ${this.db.orgId}::uuid
      ON CONFLICT (organization_id) DO NOTHING`.execute(this.db.sql);
  }

  /** A new secret, the current one signing until previousUntil (null: not at all); false when the webhook changed meanwhile. */
  async rotate(id: string, secret: string, previousUntil: Date | null, currentUpdatedAt: Date): Promise<boolean> {
    const { rows } = await sql<{ done: boolean }>`
      SELECT app.rotate_webhook_secret(${id}::uuid, ${secret}, ${previousUntil}::timestamptz, ${currentUpdatedAt}::timestamptz) AS done`.execute(
      this.db.sql,
    );
    return rows[0]?.done === true;
  }

  subscriptions(): Promise<Subscription[]> {
    return this.db.sql
      .selectFrom('webhooks')
      .select(['id', 'events', 'activeSince'])
      .where('organizationId', '=', this.db.orgId)
      .where('enabled', '=', true)
      .execute();
  }

  /** A delivery given up on: the streak's new length. */
  async addFailure(id: string): Promise<number> {
    const row = await this.db.sql
      .updateTable('webhooks')
      .set((eb) => ({ consecutiveFailures: eb('consecutiveFailures', '+', 1) }))
      .where('organizationId', '=', this.db.orgId)
      .where('id', '=', id)
      .returning('consecutiveFailures')
      .executeTakeFirst();
    return row?.consecutiveFailures ?? 0;
  }

  /** Disables an enabled webhook on the server's initiative; the row when it was enabled, else null. */
  async disable(id: string, reason: 'GONE' | 'FAILURES'): Promise<{ url: string } | null> {
    const row = await this.db.sql
      .updateTable('webhooks')
      .set({ enabled: false, disabledReason: reason, disabledAt: new Date(), updatedAt: new Date() })
      .where('organizationId', '=', this.db.orgId)
      .where('id', '=', id)
      .where('enabled', '=', true)
      .returning('url')
      .executeTakeFirst();
    return row ?? null;
  }
}
