import { createHash, randomBytes } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import { DomainError, ErrorCode, Forbidden, Unauthorized } from '../common/errors.js';

/** Every secret starts with this, so secret scanners (and people) recognise a leaked one. */
export const API_KEY_PREFIX = 'bcrm_';
/** The prefix and 32 random bytes in base64url (43 characters). */
const SECRET_FORMAT = /^bcrm_[A-Za-z0-9_-]{43}$/;

/** A new secret: shown to its creator once, never stored. */
export const newSecret = (): string => API_KEY_PREFIX + randomBytes(32).toString('base64url');

/** What is stored and looked up instead of the secret. */
export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest();

export const isWellFormedSecret = (token: string): boolean => SECRET_FORMAT.test(token);

/** How app.begin_key_request describes a key. */
export type KeyStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'UNKNOWN' | 'OTHER_ORGANIZATION';

/** The 401 or 403 for a key that may not act (ACTIVE has none). */
export function keyRefusal(status: Exclude<KeyStatus, 'ACTIVE'>): DomainError {
  switch (status) {
    case 'EXPIRED':
      return new Unauthorized('This API key has expired', ErrorCode.ApiKeyExpired);
    case 'REVOKED':
      return new Unauthorized('This API key has been revoked', ErrorCode.ApiKeyRevoked);
    case 'OTHER_ORGANIZATION':
      return new Forbidden('This API key belongs to another organization', ErrorCode.NotAMember);
    default:
      return new Unauthorized('Unknown API key', ErrorCode.ApiKeyInvalid);
  }
}

export const insufficientScope = (scope: string): DomainError =>
  new DomainError(
    HttpStatus.FORBIDDEN,
    ErrorCode.InsufficientScope,
    `This API key lacks the scope ${scope}`,
    undefined,
    { scope },
  );

export const keyNotAllowed = (): DomainError =>
  new Forbidden('API keys cannot call this route; sign in as a member', ErrorCode.ApiKeyNotAllowed);
