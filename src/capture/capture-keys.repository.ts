import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { PageQuery } from '../common/pagination.js';
import { findPage } from '../database/find-page.js';
import { TenantDb } from '../database/tenant-db.js';
import type { CaptureKey, Prisma } from '../generated/prisma/client.js';
import type { CaptureKeyStatus } from './capture-key-secret.js';

export interface NewCaptureKey {
  name: string;
  keyHash: Buffer;
  lastFour: string;
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  campaignId: string | null;
}

/** What app.capture_key_principal answers for a key's hash. */
export interface CaptureKeyPrincipalRow {
  keyId: string;
  orgId: string;
  userId: string | null;
  status: Exclude<CaptureKeyStatus, 'UNKNOWN'>;
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  campaignId: string | null;
}

/** capture_keys' policies show the organization's keys to its ADMINs only (never to a key). */
@Injectable()
export class CaptureKeysRepository {
  constructor(private readonly db: TenantDb) {}

  list(query: PageQuery & { ids?: string[] }) {
    const where: Prisma.CaptureKeyWhereInput = { organizationId: this.db.orgId };
    if (query.ids?.length) where.id = { in: query.ids };
    return findPage(this.db.tx.captureKey, where, [{ createdAt: 'desc' }, { id: 'desc' }], query);
  }

  find(id: string): Promise<CaptureKey | null> {
    return this.db.tx.captureKey.findFirst({ where: { id, organizationId: this.db.orgId } });
  }

  create(key: NewCaptureKey): Promise<CaptureKey> {
    return this.db.tx.captureKey.create({
      data: {
        ...key,
        keyHash: new Uint8Array(key.keyHash),
        organizationId: this.db.orgId,
        createdById: this.db.userId,
      },
    });
  }

  /** Changes a key that is not revoked; null when there is none. */
  async update(id: string, data: Prisma.CaptureKeyUpdateManyMutationInput): Promise<CaptureKey | null> {
    const [row] = await this.db.tx.captureKey.updateManyAndReturn({
      where: { id, organizationId: this.db.orgId, revokedAt: null },
      data: { ...data, updatedAt: new Date() },
    });
    return row ?? null;
  }

  /** Whether campaignId is a live campaign of this organization (a key's default campaign). */
  async isLiveCampaign(campaignId: string): Promise<boolean> {
    const row = await this.db.sql
      .selectFrom('campaigns')
      .select('id')
      .where('organizationId', '=', this.db.orgId)
      .where('id', '=', campaignId)
      .where('deletedAt', 'is', null)
      .executeTakeFirst();
    return Boolean(row);
  }

  /** The key by the hash of its secret, across organizations (a definer function); in a unit of work with no organization. */
  async principal(hash: Buffer): Promise<CaptureKeyPrincipalRow | undefined> {
    return this.db.sql
      .selectFrom(sql<CaptureKeyPrincipalRow>`app.capture_key_principal(${hash})`.as('k'))
      .select([
        'k.keyId',
        'k.orgId',
        'k.userId',
        'k.status',
        'k.allowedOrigins',
        'k.rateLimitPerMinute',
        'k.campaignId',
      ])
      .executeTakeFirst();
  }
}
