import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, ErrorCode, NotFound } from '../common/errors.js';
import { type Page, pageOf, type PageQuery } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { CaptureKey } from '../generated/prisma/client.js';
import { CAPTURE_KEY_PREFIX, newCaptureSecret } from './capture-key-secret.js';
import { type CaptureKeyPrincipalRow, CaptureKeysRepository } from './capture-keys.repository.js';
import {
  type CreateCaptureKeyInput,
  DEFAULT_CAPTURE_RATE_LIMIT,
  type UpdateCaptureKeyInput,
} from './dto/capture-key.input.js';
import type { CaptureKeyOutput, CaptureKeyWithSecretOutput } from './dto/capture-key.output.js';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export const hashCaptureSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest();

const toOutput = (k: CaptureKey): CaptureKeyOutput => ({
  id: k.id,
  name: k.name,
  hint: `${CAPTURE_KEY_PREFIX}…${k.lastFour}`,
  allowedOrigins: k.allowedOrigins,
  rateLimitPerMinute: k.rateLimitPerMinute,
  enabled: k.enabled,
  campaignId: k.campaignId,
  createdById: k.createdById,
  revokedAt: iso(k.revokedAt),
  lastUsedAt: iso(k.lastUsedAt),
  createdAt: k.createdAt.toISOString(),
  updatedAt: k.updatedAt.toISOString(),
});

/** Publishable keys for website forms (docs/capture.md), managed by ADMINs signed in as themselves. */
@Injectable()
export class CaptureKeysService {
  constructor(
    private readonly db: TenantDb,
    private readonly keys: CaptureKeysRepository,
  ) {}

  create(input: CreateCaptureKeyInput): Promise<CaptureKeyWithSecretOutput> {
    return this.db.run(async () => {
      await this.checkCampaign(input.campaignId);
      const secret = newCaptureSecret();
      const key = await this.keys.create({
        name: input.name,
        keyHash: hashCaptureSecret(secret),
        lastFour: secret.slice(-4),
        allowedOrigins: input.allowedOrigins ?? [],
        rateLimitPerMinute: input.rateLimitPerMinute ?? DEFAULT_CAPTURE_RATE_LIMIT,
        campaignId: input.campaignId ?? null,
      });
      return { ...toOutput(key), secret };
    });
  }

  list(query: PageQuery & { ids?: string[] }): Promise<Page<CaptureKeyOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.keys.list(query);
      return pageOf(rows.map(toOutput), total, query);
    });
  }

  get(id: string): Promise<CaptureKeyOutput> {
    return this.db.run(async () => toOutput(await this.mustFind(id)));
  }

  update(id: string, input: UpdateCaptureKeyInput): Promise<CaptureKeyOutput> {
    return this.db.run(async () => {
      const current = await this.mustFind(id);
      if (current.revokedAt) {
        throw new BusinessRuleViolation('This capture key is revoked; create a new one', ErrorCode.BusinessRule);
      }
      await this.checkCampaign(input.campaignId);
      const key = await this.keys.update(id, {
        name: input.name,
        allowedOrigins: input.allowedOrigins,
        rateLimitPerMinute: input.rateLimitPerMinute,
        enabled: input.enabled,
        campaignId: input.campaignId,
      });
      return toOutput(key ?? current);
    });
  }

  /** Final and idempotent: from the next request the key answers 401 CAPTURE_KEY_REVOKED. */
  revoke(id: string): Promise<CaptureKeyOutput> {
    return this.db.run(async () => {
      const key = await this.mustFind(id);
      if (key.revokedAt) return toOutput(key);
      return toOutput((await this.keys.update(id, { revokedAt: new Date() })) ?? key);
    });
  }

  /**
   * The key a secret belongs to, in any organization, with its state (app.capture_key_principal),
   * or undefined: for CaptureGuard, before any unit of work in an organization.
   */
  resolve(secret: string): Promise<CaptureKeyPrincipalRow | undefined> {
    return this.db.runTrusted({}, () => this.keys.principal(hashCaptureSecret(secret)));
  }

  private async mustFind(id: string): Promise<CaptureKey> {
    const key = await this.keys.find(id);
    if (!key) throw new NotFound('Capture key');
    return key;
  }

  private async checkCampaign(campaignId: string | null | undefined): Promise<void> {
    if (!campaignId || (await this.keys.isLiveCampaign(campaignId))) return;
    throw new BusinessRuleViolation(
      'campaignId is not a live campaign of this organization',
      ErrorCode.InvalidReference,
      [{ field: 'campaignId', message: 'is not a live campaign of this organization' }],
    );
  }
}
