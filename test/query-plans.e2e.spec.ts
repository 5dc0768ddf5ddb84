import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SqlSession } from '../src/database/sql-session.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { captureStatements, explainAs, planNodes, type PlanNode, type Statement } from './helpers/explain.js';
import { addMember, as, createOrg, type Org, type User } from './helpers/fixtures.js';

/**
 * The lead list, filtered list, search and get-by-id at 24,000 leads over 24
 * organizations, as EXPLAINed for the runtime role with a tenant set. The SQL is
 * not written here: it is captured from the running application (the statements
 * Prisma sends for real HTTP requests), so a change of query shape in src/leads is
 * tested as it is.
 */

const ORGS = 24; // the HTTP-created organization + 23 seeded in SQL
const LEADS = 24_000;

const nodes = planNodes;
const seqScansOnLeads = (plan: PlanNode) =>
  nodes(plan).filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'leads');
const leadIndexes = (plan: PlanNode) =>
  nodes(plan)
    .map((n) => n['Index Name'])
    .filter((i): i is string => Boolean(i?.startsWith('leads_')));

/** Statements that read leads (the list page, its total, a lead by id). */
const leadReads = (statements: Statement[]) =>
  statements.filter((s) => /^\s*SELECT\b/i.test(s.sql) && /\bFROM\s+("public"\.)?"?leads"?\s/i.test(s.sql));

/** Statements that read the audit history. */
const auditReads = (statements: Statement[]) =>
  statements.filter((s) => /^\s*SELECT\b/i.test(s.sql) && /\bFROM\s+("public"\.)?"?audit_log"?(\s|$)/i.test(s.sql));
const auditScans = (plan: PlanNode) => nodes(plan).filter((n) => n['Relation Name'] === 'audit_log');

describe('lead query plans (EXPLAIN as crm_app with a tenant set)', () => {
  let t: TestApp;
  let sql: SqlSession;
  let org: Org;
  let agent: User;
  let someLead: string;

  const explain = (s: Statement, who: { user: string; org: string }) => explainAs(sql, s, who.user, who.org);

  const reads = async (user: User, path: string, orgId = org.id) =>
    leadReads(await captureStatements(t.app, () => t.http.get(path).set(as(user, orgId)).expect(200)));

  beforeAll(async () => {
    t = await bootApp();
    sql = t.db.admin;
    org = await createOrg(t.http, 'Plans');
    agent = await addMember(t.http, org, 'AGENT');
    // Set-based, as the owner. Organizations' leads are interleaved, as they are when
    // they arrive over time; org 0 is the one created over HTTP (its admin and agent).
    await sql.exec(`
      INSERT INTO organizations (id, name)
        SELECT md5('plans-org-' || o)::uuid, 'Seeded ' || o FROM generate_series(1, ${ORGS - 1}) o;
      INSERT INTO profiles (id, email)
        SELECT md5('plans-user-' || o)::uuid, 'admin' || o || '@plans.test' FROM generate_series(1, ${ORGS - 1}) o;
      INSERT INTO memberships (organization_id, user_id, role)
        SELECT md5('plans-org-' || o)::uuid, md5('plans-user-' || o)::uuid, 'ADMIN' FROM generate_series(1, ${ORGS - 1}) o;
      INSERT INTO leads (organization_id, name, email, phone, company, status, score_value,
                         assigned_to_id, created_by_id, created_at, deleted_at)
      SELECT CASE WHEN o = 0 THEN '${org.id}'::uuid ELSE md5('plans-org-' || o)::uuid END,
             (ARRAY['Maria','James','Sofia','Liam','Olivia','Noah','Priya','Wei'])[1 + g % 8] || ' ' ||
               (ARRAY['Gonzalez','Smith','Johnson','Nguyen','Patel','Kim','Rossi','Okafor','Anderson','Lee'])[1 + (g / 8) % 10],
             'lead' || g || '@example.com',
             '+1 415 555 ' || lpad((g % 10000)::text, 4, '0'),
             CASE WHEN g % 3 = 0 THEN (ARRAY['Acme','Cedar','Summit','Harbor'])[1 + g % 4] || ' Holdings' END,
             (ARRAY['NEW_LEAD','IN_CONTACT','QUALIFIED','UNQUALIFIED','CONVERTED','LOST'])[1 + g % 6]::"LeadStatus",
             g % 101,
             CASE WHEN o = 0 THEN (CASE WHEN g % 2 = 0 THEN '${agent.id}' ELSE '${org.admin.id}' END)::uuid END,
             CASE WHEN o = 0 THEN '${org.admin.id}'::uuid ELSE md5('plans-user-' || o)::uuid END,
             now() - make_interval(secs => (g * 37) % 5000000),
             CASE WHEN g % 50 = 0 THEN now() END
      FROM (SELECT g, g % ${ORGS} AS o FROM generate_series(1, ${LEADS}) g) s;
    `);
    // Statistics and the visibility map, as autovacuum would leave them.
    await sql.exec('VACUUM ANALYZE leads');
    const [lead] = await sql.query<{ id: string }>(
      'SELECT id FROM leads WHERE organization_id = $1 AND deleted_at IS NULL LIMIT 1',
      [org.id],
    );
    someLead = lead.id;
  }, 180_000);
  afterAll(() => t.close());

  it('seeds the size the plans are about', async () => {
    const [n] = await sql.query<{ total: number; mine: number }>(
      'SELECT count(*)::int AS total, count(*) FILTER (WHERE organization_id = $1)::int AS mine FROM leads',
      [org.id],
    );
    expect(n).toEqual({ total: LEADS, mine: LEADS / ORGS });
  });

  it('lists page 1 from the live-leads index and counts the total from it alone', async () => {
    const statements = await reads(org.admin, '/v1/leads?page=1&pageSize=25&sort=-createdAt');
    expect(statements).toHaveLength(1); // the page with its total (a scalar subquery)
    const page = await explain(statements[0], { user: org.admin.id, org: org.id });
    expect(seqScansOnLeads(page)).toEqual([]);
    // The total is an init-plan, evaluated once (not a count(*) OVER () over every matching row).
    const total = nodes(page).find((n) => n['Parent Relationship'] === 'InitPlan');
    expect(total).toBeDefined();
    // The index delivers the order: no sort of the organization's leads.
    expect(leadIndexes(page)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^leads_org_(live_)?created_idx$/)]),
    );
    expect(nodes(page).map((n) => n['Node Type'])).not.toContain('Sort');
    // The total reads the index only (AGENT-policy columns are INCLUDEd), not 1,000 heap rows.
    expect(nodes(total!).find((n) => n['Relation Name'] === 'leads')).toMatchObject({
      'Node Type': 'Index Only Scan',
      'Index Name': 'leads_org_live_created_idx',
    });
  });

  it("uses indexes for an AGENT's list, narrowed by the AGENT policy", async () => {
    const statements = await reads(agent, '/v1/leads?page=1&pageSize=25&sort=-createdAt');
    expect(statements.length).toBeGreaterThanOrEqual(1);
    for (const s of statements) {
      const plan = await explain(s, { user: agent.id, org: org.id });
      expect(seqScansOnLeads(plan)).toEqual([]);
      expect(leadIndexes(plan).length).toBeGreaterThan(0);
      // The AGENT policy is in the plan (assigned_to_id / created_by_id against the current user).
      expect(JSON.stringify(plan)).toMatch(/assigned_to_id/);
    }
  });

  it('filters by status and searches a common substring without a sequential scan', async () => {
    const statements = await reads(
      org.admin,
      '/v1/leads?page=1&pageSize=25&sort=-createdAt&status=NEW_LEAD,IN_CONTACT&q=son',
    );
    expect(statements).toHaveLength(1);
    expect(statements[0].sql).toMatch(/ ilike /i);
    for (const s of statements) {
      const plan = await explain(s, { user: org.admin.id, org: org.id });
      expect(seqScansOnLeads(plan)).toEqual([]);
      expect(leadIndexes(plan).length).toBeGreaterThan(0);
    }
  });

  it('searches a rare substring without a sequential scan', async () => {
    const statements = await reads(org.admin, '/v1/leads?q=lead1234%40');
    expect(statements).toHaveLength(1);
    for (const s of statements) {
      const plan = await explain(s, { user: org.admin.id, org: org.id });
      expect(seqScansOnLeads(plan)).toEqual([]);
      expect(leadIndexes(plan).length).toBeGreaterThan(0);
    }
  });

  it('reads one lead by primary key', async () => {
    const statements = await reads(org.admin, `/v1/leads/${someLead}`);
    expect(statements.length).toBeGreaterThanOrEqual(1);
    for (const s of statements) {
      const plan = await explain(s, { user: org.admin.id, org: org.id });
      expect(seqScansOnLeads(plan)).toEqual([]);
      expect(leadIndexes(plan)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^leads_(pkey|organization_id_id_key)$/)]),
      );
    }
  });

  it('narrows a search to the organization through an index: ILIKE itself cannot be an index condition under RLS', async () => {
    const [page] = await reads(org.admin, '/v1/leads?q=lead1234%40');
    // As crm_app, RLS quals run first and ILIKE (texticlike) is not leakproof, so it may only
    // filter the organization's rows (docs/performance.md): no trigram index would be used,
    // so none exists; the organization-leading index narrows the scan.
    const app = await explain(page, { user: org.admin.id, org: org.id });
    expect(leadIndexes(app).length).toBeGreaterThan(0);
    expect(seqScansOnLeads(app)).toEqual([]);
    const [leakproof] = await sql.query<{ proleakproof: boolean }>(
      "SELECT proleakproof FROM pg_proc WHERE oid = 'texticlike(text, text)'::regprocedure",
    );
    expect(leakproof.proleakproof).toBe(false);
  });

  it('finds duplicates through the stored match-key indexes, not by scanning the organization', async () => {
    const statements = await captureStatements(t.app, () =>
      t.http
        .post('/v1/leads')
        .set(as(org.admin, org.id))
        .send({ name: 'Dup Probe', email: ' Probe.Unique@Example.com ', phone: '(415) 000-9999' })
        .expect(201),
    );
    // The check is part of the INSERT (… WHERE NOT EXISTS, over the stored keys).
    const lookup = statements.find((s) => /email_key/.test(s.sql) && /^\s*INSERT/i.test(s.sql));
    expect(lookup).toBeDefined();
    const plan = await explain(lookup!, { user: org.admin.id, org: org.id });
    expect(seqScansOnLeads(plan)).toEqual([]);
    expect(leadIndexes(plan)).toEqual(expect.arrayContaining(['leads_org_email_key_idx', 'leads_org_phone_key_idx']));
  });

  describe('audit history (test/audit.e2e.spec.ts has what it records)', () => {
    const AUDIT_ROWS = 40_000;

    /** The audit read of one request, EXPLAINed for its caller: one index, read in order, no sort. */
    async function auditPlan(user: User, path: string): Promise<PlanNode> {
      const statements = auditReads(
        await captureStatements(t.app, () => t.http.get(path).set(as(user, org.id)).expect(200)),
      );
      expect(statements).toHaveLength(1);
      const plan = await explain(statements[0], { user: user.id, org: org.id });
      expect(nodes(plan).filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
      expect(nodes(plan).map((n) => n['Node Type'])).not.toContain('Sort');
      return plan;
    }

    beforeAll(async () => {
      // The seeded leads above already wrote one INSERT row each (the trigger); add a history of
      // changes by the organization's admin and agent, and by nobody (SQL), across organizations.
      await sql.exec(`
        INSERT INTO audit_log (organization_id, table_name, record_id, action, changes, actor_user_id, created_at)
        SELECT CASE WHEN g % 4 = 0 THEN '${org.id}'::uuid ELSE md5('plans-org-' || (1 + g % 23))::uuid END,
               (ARRAY['leads', 'contacts', 'deals', 'tickets'])[1 + (g / 4) % 4],
               md5('plans-record-' || g % 5000)::uuid,
               'UPDATE', '{"notes": ["before", "after"]}',
               CASE g % 3 WHEN 0 THEN '${agent.id}'::uuid WHEN 1 THEN '${org.admin.id}'::uuid END,
               now() - make_interval(secs => ${AUDIT_ROWS} - g)
        FROM generate_series(1, ${AUDIT_ROWS}) g;
      `);
      await sql.exec('VACUUM ANALYZE audit_log');
    }, 120_000);

    it("reads the organization's newest page backwards along the primary key (organization_id, id)", async () => {
      const plan = await auditPlan(org.admin, '/v1/audit?limit=50');
      expect(auditScans(plan)).toEqual([
        expect.objectContaining({ 'Node Type': expect.stringMatching(/^Index/), 'Index Name': 'audit_log_pkey' }),
      ]);
      // A later page starts at its cursor: the id bound is an index condition, not a filter.
      const first = await t.http.get('/v1/audit?limit=50').set(as(org.admin, org.id)).expect(200);
      const next = await auditPlan(org.admin, `/v1/audit?limit=50&cursor=${first.body.nextCursor}`);
      expect(auditScans(next)[0]).toMatchObject({
        'Index Name': 'audit_log_pkey',
        'Index Cond': expect.stringMatching(/id < /),
      });
    });

    it("reads a record's history from audit_log_record_idx", async () => {
      const plan = await auditPlan(org.admin, `/v1/leads/${someLead}/audit`);
      expect(auditScans(plan)).toEqual([expect.objectContaining({ 'Index Name': 'audit_log_record_idx' })]);
    });

    it("reads one person's changes from audit_log_actor_idx, and so every read of a role that sees only its own", async () => {
      const byActor = await auditPlan(org.admin, `/v1/audit?actorId=${agent.id}`);
      expect(auditScans(byActor)).toEqual([expect.objectContaining({ 'Index Name': 'audit_log_actor_idx' })]);
      const asAgent = await auditPlan(agent, '/v1/audit');
      expect(auditScans(asAgent)).toEqual([expect.objectContaining({ 'Index Name': 'audit_log_actor_idx' })]);
      // The policy still applies on top of the query's own condition (ADMIN/MANAGER, or the current user's rows).
      expect(auditScans(asAgent)[0].Filter).toMatch(/ADMIN,MANAGER.*actor_user_id/);
    });
  });
});
