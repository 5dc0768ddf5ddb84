import { createHash, randomBytes } from 'node:crypto';

/** A secret for an emailed link (32 random bytes, base64url: 43 characters) and the hash stored in its place. */
export function newOneTimeToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOneTimeToken(token) };
}

/** SHA-256 of the token: what the database keeps and looks the link up by. */
export function hashOneTimeToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** `<base>/<path>?token=<token>`: the page of the web app (APP_URL) that posts the token back to the API. */
export function linkTo(base: string | undefined, path: string, token: string): string {
  return `${base ?? ''}${path}?token=${encodeURIComponent(token)}`;
}
