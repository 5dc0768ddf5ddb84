import { Injectable } from '@nestjs/common';
import { findPage } from '../database/find-page.js';
import { TenantDb } from '../database/tenant-db.js';
import type { ApiKey, Prisma } from '../generated/prisma/client.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import type { PageQuery } from '../common/pagination.js';

export interface NewApiKey {
  name: string;
  scopes: string[];
  role: MemberRole;
  keyHash: Buffer;
  lastFour: string;
  expiresAt?: Date;
}

/** api_keys' policy shows the organization's keys to its ADMINs only (never to a key). */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: TenantDb) {}

  list(query: PageQuery & { ids?: string[] }) {
    const where: Prisma.ApiKeyWhereInput = { organizationId: this.db.orgId };
    if (query.ids?.length) where.id = { in: query.ids };
    return findPage(this.db.tx.apiKey, where, [{ createdAt: 'desc' }, { id: 'desc' }], query);
  }

  find(id: string): Promise<ApiKey | null> {
    return this.db.tx.apiKey.findFirst({ where: { id, organizationId: this.db.orgId } });
  }

  create(key: NewApiKey): Promise<ApiKey> {
    return this.db.tx.apiKey.create({
      data: {
        ...key,
        keyHash: new Uint8Array(key.keyHash),
        organizationId: this.db.orgId,
        createdById: this.db.userId,
      },
    });
  }

  /** A new secret for a key that is not revoked and still has `currentHash`; null otherwise. */
  async rotate(
    id: string,
    currentHash: Uint8Array,
    data: Prisma.ApiKeyUpdateManyMutationInput,
  ): Promise<ApiKey | null> {
    const [row] = await this.db.tx.apiKey.updateManyAndReturn({
      where: { id, organizationId: this.db.orgId, revokedAt: null, keyHash: new Uint8Array(currentHash) },
      data: { ...data, updatedAt: new Date() },
    });
    return row ?? null;
  }

  /** Changes a key that is not revoked; null when there is none. */
  async update(id: string, data: Prisma.ApiKeyUpdateManyMutationInput): Promise<ApiKey | null> {
    const [row] = await this.db.tx.apiKey.updateManyAndReturn({
      where: { id, organizationId: this.db.orgId, revokedAt: null },
      data: { ...data, updatedAt: new Date() },
    });
    return row ?? null;
  }
}
