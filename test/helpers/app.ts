import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { freshDatabase, type TestDatabase } from './database.js';

export const LOCAL_SECRET = 'test-local-secret-0123456789-abcdefghijklmnop';
export const SUPABASE_SECRET = 'test-supabase-secret-0123456789-abcdefghijkl';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  db: TestDatabase;
  config: AppConfig;
  close(): Promise<void>;
}

/** The background work an app boots with in production: the job runner and the webhooks' sweep. */
/** The database behind each booted app's HTTP client: what fixtures given only `http` reach it by. */
const databases = new WeakMap<TestAgent, TestDatabase>();
export const databaseOf = (http: TestAgent): TestDatabase | undefined => databases.get(http);

export const BACKGROUND = { JOBS_WORKERS: 'true', WEBHOOK_DISPATCH_INTERVAL_MS: '1000' } as const;

/**
 * Boots the real application on a fresh migrated database (PGlite, or Postgres with
 * TEST_DATABASE_URL), or on `existing` (a second process on the same database: closing
 * this app then leaves the database to its owner).
 */
export async function bootApp(env: Record<string, string> = {}, existing?: TestDatabase): Promise<TestApp> {
  const db = existing ?? (await freshDatabase());
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    LOCAL_AUTH_JWT_SECRET: LOCAL_SECRET,
    SUPABASE_JWT_SECRET: SUPABASE_SECRET,
    // Suites send hundreds of requests a minute as one user; test/rate-limits.e2e.spec.ts sets its own.
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_MINUTE: '1000000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
    ...(db.url ? { DATABASE_URL: db.url, DATABASE_POOL_SIZE: '4' } : {}),
    // No background work unless a spec asks for it (BACKGROUND): on PGlite, the database's one
    // connection is the test's too, and a job polling between a spec's BEGIN and COMMIT would run
    // inside the spec's transaction.
    JOBS_WORKERS: 'false',
    WEBHOOK_DISPATCH_INTERVAL_MS: '0',
    ...env,
  });
  const app = await createApp(config, { pglite: db.pglite, bufferLogs: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const http = request(app.getHttpServer());
  databases.set(http, db);
  return {
    app,
    http,
    db,
    config,
    async close() {
      await app.close();
      if (!existing) await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
