import { Injectable } from '@nestjs/common';
import {
  BusinessRuleViolation,
  Conflict,
  DetailCode,
  ErrorCode,
  NotFound,
  ValidationFailed,
} from '../common/errors.js';
import { type Page, pageOf, type PageQuery } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import type { ApiKey } from '../generated/prisma/client.js';
import { MemberRole } from '../generated/prisma/enums.js';
import { API_KEY_PREFIX, hashSecret, newSecret } from './api-key-secret.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import type { CreateApiKeyInput, RotateApiKeyInput, UpdateApiKeyInput } from './dto/api-key.input.js';
import type { ApiKeyOutput, ApiKeyWithSecretOutput } from './dto/api-key.output.js';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

const toOutput = (k: ApiKey): ApiKeyOutput => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes,
  role: k.role,
  hint: `${API_KEY_PREFIX}…${k.lastFour}`,
  createdById: k.createdById,
  expiresAt: iso(k.expiresAt),
  revokedAt: iso(k.revokedAt),
  lastUsedAt: iso(k.lastUsedAt),
  previousSecretExpiresAt: k.previousExpiresAt && k.previousExpiresAt > new Date() ? iso(k.previousExpiresAt) : null,
  createdAt: k.createdAt.toISOString(),
});

/** MemberRole is declared from most to least privileged. */
const RANK = Object.values(MemberRole);
const outranks = (a: MemberRole, b: MemberRole): boolean => RANK.indexOf(a) < RANK.indexOf(b);

/** A new secret and what is stored of it. */
function issue(): { secret: string; keyHash: Buffer; lastFour: string } {
  const secret = newSecret();
  return { secret, keyHash: hashSecret(secret), lastFour: secret.slice(-4) };
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: TenantDb,
    private readonly keys: ApiKeysRepository,
  ) {}

  create(input: CreateApiKeyInput): Promise<ApiKeyWithSecretOutput> {
    return this.db.run(async () => {
      const role = input.role ?? this.db.role;
      if (outranks(role, this.db.role)) {
        throw new ValidationFailed([
          { field: 'role', message: `must be at most your own role (${this.db.role})`, code: DetailCode.NotAllowed },
        ]);
      }
      if (input.expiresAt && input.expiresAt <= new Date()) {
        throw new ValidationFailed([
          { field: 'expiresAt', message: 'must be in the future', code: DetailCode.OutOfRange },
        ]);
      }
      const { secret, keyHash, lastFour } = issue();
      const key = await this.keys.create({
        name: input.name,
        scopes: input.scopes,
        role,
        keyHash,
        lastFour,
        expiresAt: input.expiresAt,
      });
      return { ...toOutput(key), secret };
    });
  }

  list(query: PageQuery & { ids?: string[] }): Promise<Page<ApiKeyOutput>> {
    return this.db.run(async () => {
      const [rows, total] = await this.keys.list(query);
      return pageOf(rows.map(toOutput), total, query);
    });
  }

  get(id: string): Promise<ApiKeyOutput> {
    return this.db.run(async () => toOutput(await this.live(id, false)));
  }

  update(id: string, input: UpdateApiKeyInput): Promise<ApiKeyOutput> {
    return this.db.run(async () => {
      await this.live(id, true);
      const key = await this.keys.update(id, { name: input.name, scopes: input.scopes });
      return toOutput(key ?? (await this.live(id, true)));
    });
  }

  /** Revoking is final and idempotent: a revoked key answers 401 API_KEY_REVOKED from now on. */
  revoke(id: string): Promise<ApiKeyOutput> {
    return this.db.run(async () => {
      const key = await this.live(id, false);
      if (key.revokedAt) return toOutput(key);
      return toOutput((await this.keys.update(id, { revokedAt: new Date() })) ?? key);
    });
  }

  /** A new secret; the current one keeps working for gracePeriodSeconds (0: stops now). */
  rotate(id: string, input: RotateApiKeyInput): Promise<ApiKeyWithSecretOutput> {
    return this.db.run(async () => {
      const current = await this.live(id, true);
      if (current.expiresAt && current.expiresAt <= new Date()) {
        throw new BusinessRuleViolation('An expired key cannot be rotated; create a new one');
      }
      const grace = input.gracePeriodSeconds ?? 0;
      const { secret, keyHash, lastFour } = issue();
      // Only over the secret read above: of two rotations at once, the second finds it gone (409)
      // instead of silently ending the first one's new secret.
      const key = await this.keys.rotate(id, current.keyHash, {
        keyHash: new Uint8Array(keyHash),
        lastFour,
        previousKeyHash: grace > 0 ? current.keyHash : null,
        previousExpiresAt: grace > 0 ? new Date(Date.now() + grace * 1000) : null,
      });
      if (!key) throw new Conflict('The key was rotated or revoked meanwhile; read it and try again');
      return { ...toOutput(key), secret };
    });
  }

  /** The key, or 404; with `writable`, a revoked key is a 422 (it can only be read). */
  private async live(id: string, writable: boolean): Promise<ApiKey> {
    const key = await this.keys.find(id);
    if (!key) throw new NotFound('API key');
    if (writable && key.revokedAt) {
      throw new BusinessRuleViolation('This API key is revoked; create a new one', ErrorCode.BusinessRule);
    }
    return key;
  }
}
