import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Drops everything this run created: the template, any per-file database a crash left, the PGlite image. */
export default async function globalTeardown(): Promise<void> {
  const run = process.env.TEST_RUN_ID ?? 'local';
  rmSync(join(tmpdir(), `brokerage-crm-test-${run}.tar`), { force: true });
  if (!process.env.TEST_DATABASE_URL) return;
  const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await server.connect();
  const { rows } = await server.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
    `crm_%_${run}%`,
  ]);
  for (const { datname } of rows) await server.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await server.end();
}
