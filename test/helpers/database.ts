import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate } from '../../src/database/migrator.js';
import { openPglite, pgliteSession, pgSession, type SqlSession } from '../../src/database/sql-session.js';

const RUN = process.env.TEST_RUN_ID ?? 'local';
const PGLITE_IMAGE = join(tmpdir(), `brokerage-crm-test-${RUN}.tar`);
const TEMPLATE_DB = `crm_tpl_${RUN}`;

export const usingPostgres = (): boolean => Boolean(process.env.TEST_DATABASE_URL);

/** A URL to `database` on the server of TEST_DATABASE_URL. */
export function postgresUrl(database: string): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  /** Set for Postgres; undefined means embedded. */
  url?: string;
  pglite?: PGlite;
  /** An owner (superuser) session for fixtures and SQL-level assertions. */
  admin: SqlSession;
  /** Another independent session on Postgres; PGlite has only the one. */
  openSession(): Promise<SqlSession>;
  drop(): Promise<void>;
}

async function serverClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  return client;
}

/** The first worker migrates a template database; the advisory lock makes the others wait for it. */
async function ensurePostgresTemplate(): Promise<void> {
  const server = await serverClient();
  try {
    await server.query('SELECT pg_advisory_lock(727274002)');
    const { rowCount } = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB]);
    if (!rowCount) {
      await server.query(`CREATE DATABASE ${TEMPLATE_DB}`);
      const session = await pgSession(postgresUrl(TEMPLATE_DB));
      await migrate(session).finally(() => session.close());
    }
  } finally {
    await server.end();
  }
}

/** The first worker migrates PGlite once and dumps it; the others wait for the file. */
async function ensurePgliteImage(): Promise<Buffer> {
  const lock = `${PGLITE_IMAGE}.lock`;
  for (let waited = 0; !existsSync(PGLITE_IMAGE); waited += 100) {
    try {
      mkdirSync(lock);
    } catch {
      if (waited > 120_000) throw new Error(`Timed out waiting for ${PGLITE_IMAGE}`);
      await sleep(100);
      continue;
    }
    try {
      const db = await openPglite();
      await migrate(pgliteSession(db));
      const image = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
      await db.close();
      writeFileSync(`${PGLITE_IMAGE}.tmp`, image);
      renameSync(`${PGLITE_IMAGE}.tmp`, PGLITE_IMAGE);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return readFileSync(PGLITE_IMAGE);
}

/** A fresh, migrated database for one test file. */
export async function freshDatabase(): Promise<TestDatabase> {
  if (usingPostgres()) {
    await ensurePostgresTemplate();
    const name = `crm_t_${RUN}_${randomBytes(4).toString('hex')}`;
    const server = await serverClient();
    await server.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`).finally(() => server.end());
    const url = postgresUrl(name);
    const admin = await pgSession(url);
    return {
      url,
      admin,
      openSession: () => pgSession(url),
      async drop() {
        await admin.close();
        const s = await serverClient();
        await s.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => s.end());
      },
    };
  }
  const pglite = await openPglite(undefined, new Blob([await ensurePgliteImage()]));
  const admin = pgliteSession(pglite);
  return {
    pglite,
    admin,
    openSession: () => Promise.resolve(admin),
    drop: () => pglite.close(),
  };
}
