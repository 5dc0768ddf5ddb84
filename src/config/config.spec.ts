import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

/** A DATA_SOURCE_ENCRYPTION_KEY: production requires one. */
const KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'cfg-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('works with no environment at all: embedded database, generated dev secret, migrate on boot', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.database.url).toBeUndefined();
    expect(config.database.migrateOnBoot).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.auth.localEnabled).toBe(true);
    const secretFile = join(dir, 'dev-jwt-secret');
    expect(config.auth.localJwtSecret).toBe(readFileSync(secretFile, 'utf8'));
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    // The same secret on the next boot, so issued tokens survive a restart.
    expect(loadConfig({ DATA_DIR: dir }).auth.localJwtSecret).toBe(config.auth.localJwtSecret);
  });

  it('prepares statements unless DATABASE_URL marks a transaction-mode pooler, or the switch says no', () => {
    const prepared = (env: Record<string, string>) =>
      loadConfig({ DATA_DIR: dataDir(), ...env }).database.preparedStatements;
    expect(prepared({ DATABASE_URL: 'postgresql://u@db:5432/crm' })).toBe(true);
    expect(prepared({ DATABASE_URL: 'postgresql://u@pooler:6543/crm?pgbouncer=true' })).toBe(false);
    expect(prepared({ DATABASE_URL: 'postgresql://u@aws-0-eu-west-1.pooler.supabase.com:6543/postgres' })).toBe(false);
    expect(prepared({ DATABASE_URL: 'postgresql://u@bouncer:5432/crm?pgbouncer=true' })).toBe(false);
    // Strings `new URL` refuses but pg takes: a Unix socket, a password with a reserved character.
    expect(prepared({ DATABASE_URL: 'postgres://u@/crm?host=/var/run/postgresql' })).toBe(true);
    expect(prepared({ DATABASE_URL: 'postgresql://u:p#ss@db:6543/crm' })).toBe(false);
    expect(
      prepared({ DATABASE_URL: 'postgresql://u@pooler:6543/crm?pgbouncer=true', DATABASE_PREPARED_STATEMENTS: 'true' }),
    ).toBe(true);
    expect(prepared({ DATABASE_URL: 'postgresql://u@db:5432/crm', DATABASE_PREPARED_STATEMENTS: 'false' })).toBe(false);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_POOL_SIZE', '0'],
    ['SUPABASE_URL', 'not a url'],
    ['SUPABASE_JWT_SECRET', 'short'],
    ['LOCAL_AUTH_ENABLED', 'yes'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
  ])('names the variable when %s=%s is invalid', (name, value) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir(), [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name}:`),
    );
  });

  it('requires DATA_SOURCE_ENCRYPTION_KEY in production, and a 32-byte base64 value anywhere', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://x/y',
      SUPABASE_JWT_SECRET: 's'.repeat(40),
      LOCAL_AUTH_ENABLED: 'false',
    };
    expect(() => loadConfig(prod)).toThrow(/DATA_SOURCE_ENCRYPTION_KEY is required in production/);
    expect(loadConfig({ ...prod, DATA_SOURCE_ENCRYPTION_KEY: KEY }).imports.encryptionKey).toEqual(Buffer.alloc(32, 7));
    expect(() => loadConfig({ DATA_SOURCE_ENCRYPTION_KEY: 'short' })).toThrow(/DATA_SOURCE_ENCRYPTION_KEY/);
  });

  it('refuses to start in production without a JWT secret', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DATA_SOURCE_ENCRYPTION_KEY: KEY, DATABASE_URL: 'postgres://x/y' }),
    ).toThrow(/SUPABASE_JWT_SECRET, SUPABASE_URL \(JWKS\) or LOCAL_AUTH_JWT_SECRET/);
    // A local secret with local auth switched off verifies nothing: still no way in.
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATA_SOURCE_ENCRYPTION_KEY: KEY,
        DATABASE_URL: 'postgres://x/y',
        LOCAL_AUTH_ENABLED: 'false',
        LOCAL_AUTH_JWT_SECRET: 'l'.repeat(40),
      }),
    ).toThrow(/needs a way to verify tokens/);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        DATA_SOURCE_ENCRYPTION_KEY: KEY,
        DATABASE_URL: 'postgres://x/y',
        LOCAL_AUTH_JWT_SECRET: 'l'.repeat(40),
      }).auth.localJwtSecret,
    ).toBe('l'.repeat(40));
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATA_SOURCE_ENCRYPTION_KEY: KEY,
        DATABASE_URL: 'postgres://x/y',
        SUPABASE_JWT_SECRET: 's'.repeat(40),
      }),
    ).toThrow(/LOCAL_AUTH_JWT_SECRET/);
    const ok = loadConfig({
      NODE_ENV: 'production',
      DATA_SOURCE_ENCRYPTION_KEY: KEY,
      DATABASE_URL: 'postgres://x/y',
      SUPABASE_JWT_SECRET: 's'.repeat(40),
      LOCAL_AUTH_ENABLED: 'false',
    });
    expect(ok.auth.localJwtSecret).toBeUndefined();
    expect(ok.database.migrateOnBoot).toBe(false);
  });

  it('treats empty values as unset and parses lists', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), PORT: '', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.port).toBe(3000);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});
