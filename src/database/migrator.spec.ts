import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from './migrator.js';
import { openPglite, pgliteSession, type SqlSession } from './sql-session.js';

describe('migration runner', () => {
  let db: PGlite;
  let session: SqlSession;
  let dir: string;

  const write = (name: string, sql: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  };

  beforeEach(async () => {
    db = await openPglite();
    session = pgliteSession(db);
    dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies the project's migrations once, with Prisma-compatible checksums", async () => {
    const first = await migrate(session);
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    const again = await migrate(session);
    expect(again.applied).toEqual([]);

    const rows = await session.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    const [firstFile] = readMigrations();
    const expected = createHash('sha256')
      .update(readFileSync(join(MIGRATIONS_DIR, firstFile.name, 'migration.sql')))
      .digest('hex');
    expect(rows[0]).toMatchObject({ migration_name: firstFile.name, checksum: expected });
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it('stops with a clear error when an applied migration was edited', async () => {
    write('20260101000000_one', 'CREATE TABLE one (id int);');
    await migrate(session, readMigrations(dir));
    write('20260101000000_one', 'CREATE TABLE one (id bigint);');
    write('20260102000000_two', 'CREATE TABLE two (id int);');
    const run = migrate(session, readMigrations(dir));
    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(migrate(session, readMigrations(dir))).rejects.toThrow(
      /20260101000000_one was edited after it was applied/,
    );
    // The later migration was not applied either.
    const [two] = await session.query<{ t: string | null }>("SELECT to_regclass('two')::text AS t");
    expect(two.t).toBeNull();
  });

  it('rolls back a failing migration completely and records nothing', async () => {
    write('20260101000000_ok', 'CREATE TABLE ok (id int);');
    write('20260102000000_bad', 'CREATE TABLE half (id int);\nSELECT * FROM no_such_table;');
    await expect(migrate(session, readMigrations(dir))).rejects.toThrow(/20260102000000_bad failed/);
    const names = await session.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations');
    expect(names.map((r) => r.migration_name)).toEqual(['20260101000000_ok']);
    const [half] = await session.query<{ t: string | null }>("SELECT to_regclass('half')::text AS t");
    expect(half.t).toBeNull();
  });

  it('ignores folders that are not migrations', () => {
    write('20260101000000_one', 'SELECT 1;');
    mkdirSync(join(dir, 'notes'));
    expect(readMigrations(dir).map((m) => m.name)).toEqual(['20260101000000_one']);
  });
});
