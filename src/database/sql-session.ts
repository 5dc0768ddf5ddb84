import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The few operations the migration runner and tooling need, over pg or PGlite. */
export interface SqlSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * PGlite is imported at the first open: a server on DATABASE_URL never loads it. One import
 * for every caller, since Jest's ESM runtime fails concurrent imports of one module graph.
 */
const importPglite = () =>
  Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gist'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
let pgliteModules: ReturnType<typeof importPglite> | undefined;

export async function openPglite(dataDir?: string, loadDataDir?: Blob): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const [{ PGlite }, { btree_gist }, { pg_trgm }] = await (pgliteModules ??= importPglite());
  // Contrib extensions must be registered when PGlite starts, before CREATE EXTENSION.
  return PGlite.create({ dataDir, loadDataDir, extensions: { pg_trgm, btree_gist } });
}

export function pgliteSession(db: PGlite, closeWith = false): SqlSession {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async close() {
      if (closeWith) await db.close();
    },
  };
}

export async function pgSession(connectionString: string): Promise<SqlSession> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async close() {
      await client.end();
    },
  };
}
