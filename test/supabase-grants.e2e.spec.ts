import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { migrate } from '../src/database/migrator.js';
import { openPglite, pgliteSession, pgSession, type SqlSession } from '../src/database/sql-session.js';
import { postgresUrl, usingPostgres } from './helpers/database.js';

const ROLES = ['anon', 'authenticated'] as const;

/** An empty, unmigrated database: a new Supabase project before `npm run db:migrate`. */
async function emptyDatabase(): Promise<{ sql: SqlSession; drop: () => Promise<void> }> {
  if (!usingPostgres()) {
    const db = await openPglite();
    return { sql: pgliteSession(db), drop: () => db.close() };
  }
  const name = `crm_grants_${randomBytes(4).toString('hex')}`;
  const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await server.connect();
  await server.query(`CREATE DATABASE ${name}`);
  const sql = await pgSession(postgresUrl(name));
  return {
    sql,
    async drop() {
      await sql.close();
      await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => server.end());
    },
  };
}

/**
 * Every migration, not only the lockdown one, on a database set up as Supabase sets one up:
 * the Data API roles exist, may use schema public, and the migrating role's default
 * privileges grant them every table, sequence and function it creates. A later migration
 * that forgets the lockdown fails here.
 */
describe('Supabase Data API: after all migrations, anon and authenticated reach nothing', () => {
  let db: Awaited<ReturnType<typeof emptyDatabase>>;
  let controlReadable: boolean;

  beforeAll(async () => {
    db = await emptyDatabase();
    for (const r of ROLES) {
      await db.sql.exec(
        `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${r}') THEN CREATE ROLE ${r} NOLOGIN; END IF; END $$`,
      );
      await db.sql.exec(`GRANT USAGE ON SCHEMA public TO ${r};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO ${r};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO ${r};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO ${r}`);
    }
    // Control: the simulation works — a table created now is readable by anon.
    await db.sql.exec('CREATE TABLE supabase_probe (id int)');
    const [probe] = await db.sql.query<{ ok: boolean }>(
      "SELECT has_table_privilege('anon', 'supabase_probe', 'SELECT') AS ok",
    );
    controlReadable = probe.ok;
    await db.sql.exec('DROP TABLE supabase_probe');
    await migrate(db.sql);
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('control: before the migrations, Supabase-style default privileges expose a new table to anon', () => {
    expect(controlReadable).toBe(true);
  });

  it('no table, view or sequence in public is granted to anon or authenticated', async () => {
    const exposed = await db.sql.query<{ role: string; relation: string }>(`
      SELECT r.role, c.relname AS relation
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN unnest(ARRAY['anon', 'authenticated']) AS r(role)
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
        AND (has_table_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
             OR (c.relkind = 'S' AND has_sequence_privilege(r.role, c.oid, 'USAGE, SELECT, UPDATE')))
      ORDER BY 1, 2`);
    expect(exposed).toEqual([]);
    // The query sees the migrated tables at all (so an empty answer is not an empty schema).
    const [{ n }] = await db.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('leads', 'idempotency_keys')",
    );
    expect(n).toBe(2);
  });

  it("no function of the CRM's is callable by anon or authenticated (extensions' own functions aside)", async () => {
    const callable = await db.sql.query<{ role: string; fn: string }>(`
      SELECT r.role, p.oid::regprocedure::text AS fn
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      CROSS JOIN unnest(ARRAY['anon', 'authenticated']) AS r(role)
      WHERE n.nspname IN ('public', 'app')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        AND has_schema_privilege(r.role, n.oid, 'USAGE')
        AND has_function_privilege(r.role, p.oid, 'EXECUTE')
      ORDER BY 1, 2`);
    expect(callable).toEqual([]);
    // Control: crm_app, the API's role, can call the functions the API needs.
    const [app] = await db.sql.query<{ ok: boolean }>(
      "SELECT has_function_privilege('crm_app', 'app.purge_idempotency_keys(integer)', 'EXECUTE') AS ok",
    );
    expect(app.ok).toBe(true);
  });
});
