import { randomBytes } from 'node:crypto';
import { ErrorCode, Unauthorized } from '../common/errors.js';

/** Publishable: it sits in a website's HTML, and can only post leads to /v1/capture/*. */
export const CAPTURE_KEY_PREFIX = 'bcrm_pk_';
/** The prefix and 32 random bytes in base64url: 51 characters, never an API key's 48. */
const SECRET_FORMAT = /^bcrm_pk_[A-Za-z0-9_-]{43}$/;

export const newCaptureSecret = (): string => CAPTURE_KEY_PREFIX + randomBytes(32).toString('base64url');

export const isCaptureSecret = (token: string): boolean => SECRET_FORMAT.test(token);

/** How app.capture_key_principal describes a key; UNKNOWN when it finds none. */
export type CaptureKeyStatus = 'ACTIVE' | 'DISABLED' | 'REVOKED' | 'UNKNOWN';

export function captureKeyRefusal(status: Exclude<CaptureKeyStatus, 'ACTIVE'>): Unauthorized {
  switch (status) {
    case 'REVOKED':
      return new Unauthorized('This capture key has been revoked', ErrorCode.CaptureKeyRevoked);
    case 'DISABLED':
      return new Unauthorized('This capture key is disabled', ErrorCode.CaptureKeyDisabled);
    default:
      return new Unauthorized('Unknown capture key', ErrorCode.CaptureKeyInvalid);
  }
}
