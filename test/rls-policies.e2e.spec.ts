import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SqlSession } from '../src/database/sql-session.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { addMember, createLead, createOrg, type Org, type User } from './helpers/fixtures.js';
import { asApp } from './helpers/sql-as-app.js';

/**
 * Policies tested in SQL, as the runtime role, without the application in the way:
 * even a buggy service could not cross these lines.
 */
describe('row-level security as crm_app', () => {
  let t: TestApp;
  let sql: SqlSession;
  let a: Org;
  let b: Org;
  let agent: User;
  let leadA: string;
  let leadB: string;

  const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
  const insertLead = (org: string, extra = '') =>
    sql.query(
      `INSERT INTO leads (organization_id, name${extra ? ', assigned_to_id' : ''})
               VALUES ($1, 'x'${extra ? ', $2' : ''}) RETURNING id`,
      extra ? [org, extra] : [org],
    );

  beforeAll(async () => {
    t = await bootApp();
    sql = t.db.admin;
    a = await createOrg(t.http, 'A');
    b = await createOrg(t.http, 'B');
    agent = await addMember(t.http, a, 'AGENT');
    leadA = (await createLead(t.http, a.admin, a.id)).id;
    leadB = (await createLead(t.http, b.admin, b.id)).id;
  });
  afterAll(() => t.close());

  it('runs as a NOLOGIN NOBYPASSRLS, non-superuser role', async () => {
    const [role] = await sql.query<{ rolcanlogin: boolean; rolbypassrls: boolean; rolsuper: boolean }>(
      "SELECT rolcanlogin, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'crm_app'",
    );
    expect(role).toEqual({ rolcanlogin: false, rolbypassrls: false, rolsuper: false });
    const [who] = await asApp(sql, {}, () => sql.query<{ current_user: string }>('SELECT current_user'));
    expect(who.current_user).toBe('crm_app');
  });

  it('with no tenant setting, sees no rows and cannot insert (fail closed)', async () => {
    const owner = await sql.query<{ id: string }>('SELECT id FROM leads WHERE id = ANY($1)', [[leadA, leadB]]);
    expect(owner).toHaveLength(2); // control: the rows exist
    expect(await asApp(sql, {}, () => sql.query('SELECT id FROM leads'))).toHaveLength(0);
    expect(await asApp(sql, {}, () => sql.query('SELECT * FROM memberships'))).toHaveLength(0);
    await expect(asApp(sql, { role: 'ADMIN' }, () => insertLead(a.id))).rejects.toThrow(/row-level security/);
  });

  it("org A's setting shows A's rows and hides B's", async () => {
    const seen = await asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
      sql.query<{ id: string }>('SELECT id FROM leads'),
    );
    expect(ids(seen)).toContain(leadA);
    expect(ids(seen)).not.toContain(leadB);
    const updated = await asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
      sql.query<{ id: string }>("UPDATE leads SET name = 'hijack' WHERE id = ANY($1) RETURNING id", [[leadA, leadB]]),
    );
    expect(ids(updated)).toEqual([leadA]);
  });

  it('rejects writing a row into another organization (WITH CHECK)', async () => {
    await expect(asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () => insertLead(b.id))).rejects.toThrow(
      /row-level security/,
    );
    await expect(
      asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
        sql.query('UPDATE leads SET organization_id = $1 WHERE id = $2', [b.id, leadA]),
      ),
    ).rejects.toThrow(/row-level security/);
    const ok = await asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () => insertLead(a.id));
    expect(ok).toHaveLength(1);
  });

  it("rejects a composite foreign key to another organization's member", async () => {
    // The owner bypasses RLS, so only the composite FK stands in the way here.
    await expect(insertLead(a.id, b.admin.id)).rejects.toThrow(/foreign key/);
    const ok = await insertLead(a.id, agent.id);
    expect(ok).toHaveLength(1);
  });

  it('limits an AGENT to leads assigned to or created by them', async () => {
    const mine = (await createLead(t.http, a.admin, a.id, { assignedToId: agent.id })).id;
    const seen = await asApp(sql, { org: a.id, user: agent.id, role: 'AGENT' }, () =>
      sql.query<{ id: string }>('SELECT id FROM leads'),
    );
    expect(ids(seen)).toContain(mine);
    expect(ids(seen)).not.toContain(leadA);
    const touched = await asApp(sql, { org: a.id, user: agent.id, role: 'AGENT' }, () =>
      sql.query("UPDATE leads SET name = 'x' WHERE id = $1 RETURNING id", [leadA]),
    );
    expect(touched).toHaveLength(0);
  });

  it('refuses writes for a VIEWER and for an unset role', async () => {
    const viewer = await addMember(t.http, a, 'VIEWER');
    for (const role of ['VIEWER', '']) {
      await expect(asApp(sql, { org: a.id, user: viewer.id, role }, () => insertLead(a.id))).rejects.toThrow(
        /row-level security/,
      );
      const changed = await asApp(sql, { org: a.id, user: viewer.id, role }, () =>
        sql.query("UPDATE leads SET name = 'x' WHERE id = $1 RETURNING id", [leadA]),
      );
      expect(changed).toHaveLength(0);
    }
    const read = await asApp(sql, { org: a.id, user: viewer.id, role: 'VIEWER' }, () =>
      sql.query('SELECT id FROM leads WHERE id = $1', [leadA]),
    );
    expect(read).toHaveLength(1);
  });

  it('has no DELETE grant on leads (soft delete only)', async () => {
    await expect(
      asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
        sql.query('DELETE FROM leads WHERE id = $1', [leadA]),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it('app.begin_request resolves membership and leaves a non-member with nothing', async () => {
    await sql.exec('BEGIN');
    try {
      const [r] = await sql.query<{ org_id: string | null; member_role: string | null }>(
        'SELECT * FROM app.begin_request($1, $2)',
        [b.admin.id, a.id],
      );
      expect(r).toMatchObject({ org_id: null, member_role: null });
      expect(await sql.query('SELECT id FROM leads')).toHaveLength(0);
    } finally {
      await sql.exec('ROLLBACK');
    }
    await sql.exec('BEGIN');
    try {
      const [r] = await sql.query<{ org_id: string; member_role: string }>('SELECT * FROM app.begin_request($1, $2)', [
        a.admin.id,
        a.id,
      ]);
      expect(r).toMatchObject({ org_id: a.id, member_role: 'ADMIN' });
      expect(ids(await sql.query<{ id: string }>('SELECT id FROM leads'))).toContain(leadA);
    } finally {
      await sql.exec('ROLLBACK');
    }
  });

  it('keeps credentials and other users\u2019 profiles out of reach', async () => {
    const outsider = randomUUID();
    expect(await asApp(sql, { user: outsider }, () => sql.query('SELECT * FROM auth_credentials'))).toHaveLength(0);
    const profiles = await asApp(sql, { org: b.id, user: b.admin.id, role: 'ADMIN' }, () =>
      sql.query<{ id: string }>('SELECT id FROM profiles'),
    );
    expect(ids(profiles)).toContain(b.admin.id);
    expect(ids(profiles)).not.toContain(a.admin.id);
  });

  it('catalog: every table with organization_id has RLS enabled and forced, with policies', async () => {
    const tables = await sql.query<{ table: string; enabled: boolean; forced: boolean; policies: number }>(`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
             (SELECT count(*)::int FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname) AS policies
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)
      ORDER BY 1`);
    expect(tables.map((r) => r.table)).toEqual(expect.arrayContaining(['leads', 'memberships']));
    for (const row of tables)
      expect({ ...row, ok: row.enabled && row.forced && row.policies > 0 }).toMatchObject({ ok: true });
  });

  it('catalog: RLS is enabled on every table, so nothing is exposed to other roles by default', async () => {
    const open = await sql.query<{ relname: string }>(`
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = 'public' AND NOT c.relrowsecurity`);
    expect(open).toEqual([]);
  });

  it('Supabase lockdown: anon/authenticated lose every grant, even ones handed out by default privileges', async () => {
    const lockdown = readFileSync('prisma/migrations/20261123090000_supabase_data_api_lockdown/migration.sql', 'utf8');
    // Recreate what a Supabase project does: the roles exist and were granted everything.
    for (const r of ['anon', 'authenticated']) {
      await sql.exec(
        `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${r}') THEN CREATE ROLE ${r} NOLOGIN; END IF; END $$`,
      );
      await sql.exec(`GRANT USAGE ON SCHEMA public, app TO ${r}; GRANT ALL ON ALL TABLES IN SCHEMA public TO ${r}`);
    }
    const canRead = async () =>
      (
        await sql.query<{ leads: boolean; profiles: boolean; ledger: boolean }>(`SELECT
          has_table_privilege('anon', 'leads', 'SELECT') AS leads,
          has_table_privilege('authenticated', 'profiles', 'SELECT') AS profiles,
          has_table_privilege('anon', '_prisma_migrations', 'SELECT') AS ledger`)
      )[0];
    expect(await canRead()).toEqual({ leads: true, profiles: true, ledger: true }); // control
    await sql.exec(lockdown);
    expect(await canRead()).toEqual({ leads: false, profiles: false, ledger: false });
    const [fn] = await sql.query<{ ok: boolean }>(
      "SELECT has_function_privilege('anon', 'app.credential_for_login(text)', 'EXECUTE') AS ok",
    );
    expect(fn.ok).toBe(false);
  });
});
