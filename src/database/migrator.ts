import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SqlSession } from './sql-session.js';

export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../prisma/migrations');

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface LedgerRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

// Same shape as the table `prisma migrate deploy` keeps, so either tool can take over.
const LEDGER_DDL = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id                  varchar(36) PRIMARY KEY NOT NULL,
  checksum            varchar(64) NOT NULL,
  finished_at         timestamptz,
  migration_name      varchar(255) NOT NULL,
  logs                text,
  rolled_back_at      timestamptz,
  started_at          timestamptz NOT NULL DEFAULT now(),
  applied_steps_count integer NOT NULL DEFAULT 0
);
-- The ledger is for the migration role only; RLS without policies hides it from everyone else.
ALTER TABLE _prisma_migrations ENABLE ROW LEVEL SECURITY;
`;

// Serialises concurrent runners (several replicas booting at once).
const LOCK_KEY = 727_274_001;

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((name) => /^\d{14}_[a-z0-9_]+$/.test(name) && statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      // Prisma's checksum: sha256 of the file's bytes, hex.
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export interface MigrateResult {
  applied: string[];
  skipped: number;
}

/** Applies pending migrations in order, each in its own transaction, recording them in the ledger. */
export async function migrate(session: SqlSession, migrations = readMigrations()): Promise<MigrateResult> {
  await session.exec(LEDGER_DDL);
  await session.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    const rows = await session.query<LedgerRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations',
    );
    const done = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    const applied: string[] = [];
    for (const m of migrations) {
      const row = done.get(m.name);
      if (row) {
        if (row.finished_at === null) {
          throw new MigrationError(
            `Migration ${m.name} started but never finished; fix the database by hand and mark it rolled back`,
          );
        }
        if (row.checksum !== m.checksum) {
          throw new MigrationError(
            `Migration ${m.name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… ≠ ${m.checksum.slice(0, 12)}…). ` +
              'Never edit an applied migration: revert the file and add a new migration instead.',
          );
        }
        continue;
      }
      await applyOne(session, m);
      applied.push(m.name);
    }
    return { applied, skipped: migrations.length - applied.length };
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}

async function applyOne(session: SqlSession, m: MigrationFile): Promise<void> {
  const id = randomUUID();
  await session.exec('BEGIN');
  try {
    await session.exec(m.sql);
    await session.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [id, m.checksum, m.name],
    );
    await session.exec('COMMIT');
  } catch (error) {
    await session.exec('ROLLBACK');
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${m.name} failed and was rolled back: ${reason}`);
  }
}
