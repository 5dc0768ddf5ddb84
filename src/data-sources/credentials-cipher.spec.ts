import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../config/config.js';
import { CredentialsCipher } from './credentials-cipher.js';

const SOURCE = '2c7d1f3e-5a6b-4c8d-9e0f-1a2b3c4d5e6f';
const cipherWith = (imports: Partial<AppConfig['imports']>) =>
  new CredentialsCipher({ imports: { batchSize: 500, devKeyFile: '/nonexistent/key', ...imports } } as AppConfig);

describe('CredentialsCipher (AES-256-GCM)', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('round-trips, with a fresh IV each time and no plaintext in the bytes', () => {
    const cipher = cipherWith({ encryptionKey: Buffer.alloc(32, 3) });
    const a = cipher.encrypt(SOURCE, { clientSecret: 'top-secret-value' });
    const b = cipher.encrypt(SOURCE, { clientSecret: 'top-secret-value' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(a).toString('latin1')).not.toContain('top-secret');
    expect(cipher.decrypt(SOURCE, a)).toEqual({ clientSecret: 'top-secret-value' });
  });

  it('refuses a tampered ciphertext, another source id (AAD) and another key', () => {
    const cipher = cipherWith({ encryptionKey: Buffer.alloc(32, 3) });
    const sealed = cipher.encrypt(SOURCE, { authHeader: 'Bearer x' });
    const tampered = new Uint8Array(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.decrypt(SOURCE, tampered)).toThrow();
    expect(() => cipher.decrypt('00000000-0000-4000-8000-000000000000', sealed)).toThrow();
    expect(() => cipherWith({ encryptionKey: Buffer.alloc(32, 4) }).decrypt(SOURCE, sealed)).toThrow();
  });

  it('without a configured key, generates one into the data directory (0600) and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cipher-'));
    dirs.push(dir);
    const devKeyFile = join(dir, 'data-source-key');
    const sealed = cipherWith({ devKeyFile }).encrypt(SOURCE, { a: 'b' });
    expect(Buffer.from(readFileSync(devKeyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(statSync(devKeyFile).mode & 0o777).toBe(0o600);
    expect(cipherWith({ devKeyFile }).decrypt(SOURCE, sealed)).toEqual({ a: 'b' });
  });
});
