import { createHash, randomBytes } from 'node:crypto';

/** Stream tokens look nothing like API keys (`bcrm_`), so neither is taken for the other. */
export const STREAM_TOKEN_PREFIX = 'est_';
export const STREAM_TOKEN_TTL_MS = 60_000;

export const newStreamToken = (): string => STREAM_TOKEN_PREFIX + randomBytes(32).toString('base64url');
export const hashStreamToken = (token: string): Buffer => createHash('sha256').update(token).digest();
