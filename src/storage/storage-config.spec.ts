import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../config/config.js';

describe('storage configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storage-cfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dir, ...env });
  const supabase = {
    SUPABASE_URL: 'https://abc.supabase.co/',
    SUPABASE_SERVICE_ROLE_KEY: 'service-role-key-0123456789',
  };

  it('defaults to local storage under DATA_DIR/storage, private ticket-attachments and organization-files buckets, 300 s URLs', () => {
    expect(load({}).storage).toEqual({
      driver: 'local',
      localDir: join(dir, 'storage'),
      supabaseUrl: undefined,
      serviceRoleKey: undefined,
      bucket: 'ticket-attachments',
      filesBucket: 'organization-files',
      signedUrlTtlSeconds: 300,
      publicApiUrl: undefined,
    });
  });

  it('chooses Supabase Storage when SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are both set', () => {
    expect(load(supabase).storage).toMatchObject({ driver: 'supabase', supabaseUrl: 'https://abc.supabase.co' });
    // SUPABASE_URL alone (JWKS auth) keeps local storage.
    expect(load({ SUPABASE_URL: supabase.SUPABASE_URL }).storage.driver).toBe('local');
    expect(load({ ...supabase, STORAGE_DRIVER: 'local' }).storage.driver).toBe('local');
  });

  it('refuses STORAGE_DRIVER=supabase without its credentials, naming them', () => {
    expect(() => load({ STORAGE_DRIVER: 'supabase' })).toThrow(ConfigError);
    expect(() => load({ STORAGE_DRIVER: 'supabase' })).toThrow(/SUPABASE_SERVICE_ROLE_KEY/);
  });

  it.each([
    ['STORAGE_DRIVER', 's3'],
    ['STORAGE_BUCKET', 'Has Spaces'],
    ['SIGNED_URL_TTL_SECONDS', '5'],
    ['SIGNED_URL_TTL_SECONDS', '86401'],
    ['SUPABASE_SERVICE_ROLE_KEY', 'short'],
    ['PUBLIC_API_URL', 'not a url'],
  ])('names the variable when %s=%s is invalid', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(new RegExp(name));
  });

  it('trims a trailing slash from PUBLIC_API_URL', () => {
    expect(load({ PUBLIC_API_URL: 'https://api.example.com/' }).storage.publicApiUrl).toBe('https://api.example.com');
  });
});
