import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SqlSession } from '../src/database/sql-session.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { captureStatements, explainAs, planNodes, type PlanNode, type Statement } from './helpers/explain.js';
import { addMember, as, createOrg, type Org, type User } from './helpers/fixtures.js';

/**
 * GET /v1/analytics/overview's statements, as EXPLAINed for the runtime role with a tenant set,
 * over 24 organizations whose rows are interleaved as they arrive over time. As in
 * test/query-plans.e2e.spec.ts, the SQL is captured from the running application, so a change
 * of query shape in src/analytics is tested as it is: every table the overview reads must be
 * reached through an index that leads with organization_id (RLS's condition), never scanned
 * whole.
 */

const ORGS = 24; // the HTTP-created organization + 23 seeded in SQL
const LEADS = 24_000;
const DEALS = 4_800;
const LISTINGS = 2_400;
const APPOINTMENTS = 7_200;
const TICKETS = 4_800;
const TABLES = ['leads', 'deals', 'listings', 'listing_price_history', 'appointments', 'tickets'] as const;

const scansOf = (plan: PlanNode, table: string) => planNodes(plan).filter((n) => n['Relation Name'] === table);

/** The overview's figures statements: those reading one of TABLES. */
const figureReads = (statements: Statement[]) =>
  statements.filter((s) => new RegExp(`\\bFROM\\s+(${TABLES.join('|')}|ticket_summary)\\b`, 'i').test(s.sql));

describe('analytics overview query plans (EXPLAIN as crm_app with a tenant set)', () => {
  let t: TestApp;
  let sql: SqlSession;
  let org: Org;
  let agent: User;

  /** The plan, for `user`, of the one statement that reads an overview request's figures. */
  async function plan(user: User, query: string): Promise<PlanNode> {
    const statements = figureReads(
      await captureStatements(t.app, () =>
        t.http.get(`/v1/analytics/overview?${query}`).set(as(user, org.id)).expect(200),
      ),
    );
    expect(statements).toHaveLength(1);
    return explainAs(sql, statements[0], user.id, org.id);
  }

  beforeAll(async () => {
    t = await bootApp();
    sql = t.db.admin;
    org = await createOrg(t.http, 'Plans');
    agent = await addMember(t.http, org, 'AGENT');
    // Set-based, as the owner; organization o = g % ORGS, so every table's rows interleave
    // across organizations. Organization 0 is the one created over HTTP (its admin and agent).
    const orgOf = `CASE WHEN o = 0 THEN '${org.id}'::uuid ELSE md5('plans-org-' || o)::uuid END`;
    const memberOf = `CASE WHEN o = 0 THEN (CASE WHEN g % 2 = 0 THEN '${agent.id}' ELSE '${org.admin.id}' END)::uuid
                           ELSE md5('plans-user-' || o)::uuid END`;
    const rows = (n: number) => `(SELECT g, g % ${ORGS} AS o FROM generate_series(1, ${n}) g) s`;
    await sql.exec(`
      INSERT INTO organizations (id, name)
        SELECT md5('plans-org-' || o)::uuid, 'Seeded ' || o FROM generate_series(1, ${ORGS - 1}) o;
      INSERT INTO profiles (id, email)
        SELECT md5('plans-user-' || o)::uuid, 'admin' || o || '@plans.test' FROM generate_series(1, ${ORGS - 1}) o;
      INSERT INTO memberships (organization_id, user_id, role)
        SELECT md5('plans-org-' || o)::uuid, md5('plans-user-' || o)::uuid, 'ADMIN' FROM generate_series(1, ${ORGS - 1}) o;
      INSERT INTO leads (organization_id, name, status, assigned_to_id, created_by_id, created_at, first_response_at, deleted_at)
      SELECT ${orgOf}, 'Lead ' || g,
             (ARRAY['NEW_LEAD','IN_CONTACT','QUALIFIED','UNQUALIFIED','CONVERTED','LOST'])[1 + g % 6]::"LeadStatus",
             ${memberOf}, ${memberOf},
             now() - make_interval(secs => (g * 37) % 63000000),
             CASE WHEN g % 6 > 0 THEN now() - make_interval(secs => (g * 37) % 63000000 - 600) END,
             CASE WHEN g % 50 = 0 THEN now() END
      FROM ${rows(LEADS)};
      INSERT INTO deals (organization_id, title, value, stage, status, probability, actual_close_date,
                         assigned_to_id, created_by_id, created_at)
      SELECT ${orgOf}, 'Deal ' || g, 100000 + g,
             CASE WHEN g % 3 = 0 THEN 'CLOSED_WON' ELSE 'PROPOSAL' END::"DealStage",
             CASE WHEN g % 3 = 0 THEN 'WON' ELSE 'ACTIVE' END::"DealStatus", 50,
             CASE WHEN g % 3 = 0 THEN (now() - make_interval(days => g % 700))::date END,
             ${memberOf}, ${memberOf}, now() - make_interval(days => g % 700 + 30)
      FROM ${rows(DEALS)};
      INSERT INTO listings (organization_id, title, address, city, state, zip_code, price, status, listing_date,
                            assigned_to_id, created_at)
      SELECT ${orgOf}, 'Listing ' || g, '1 Main St', 'Boston', 'MA', '02108', 500000 + g,
             (ARRAY['ACTIVE','PENDING','SOLD','EXPIRED','WITHDRAWN','CONTINGENT'])[1 + g % 6]::"ListingStatus",
             (now() - make_interval(days => g % 700))::date, ${memberOf}, now() - make_interval(days => g % 700)
      FROM ${rows(LISTINGS)};
      INSERT INTO listing_price_history (organization_id, listing_id, old_price, new_price, changed_at)
      SELECT organization_id, id, price + 1000, price, created_at + interval '5 days' FROM listings;
      INSERT INTO appointments (organization_id, title, status, starts_at, ends_at, agent_id)
      SELECT ${orgOf}, 'Showing ' || g,
             (ARRAY['COMPLETED','NO_SHOW','CANCELLED','SCHEDULED'])[1 + g % 4]::"AppointmentStatus",
             date_trunc('hour', now()) - make_interval(hours => g * 2), date_trunc('hour', now()) - make_interval(hours => g * 2 - 1),
             ${memberOf}
      FROM ${rows(APPOINTMENTS)};
      INSERT INTO tickets (organization_id, title, status, created_at, resolved_at, due_at)
      SELECT ${orgOf}, 'Ticket ' || g,
             (ARRAY['OPEN','IN_PROGRESS','RESOLVED','CLOSED'])[1 + g % 4]::"TicketStatus",
             now() - make_interval(hours => g * 3), now() - make_interval(hours => g * 3 - 5),
             now() - make_interval(hours => g * 3 - 48)
      FROM ${rows(TICKETS)};
      INSERT INTO ticket_assignees (organization_id, ticket_id, user_id)
      SELECT t.organization_id, t.id, m.user_id
        FROM tickets t JOIN LATERAL (SELECT user_id FROM memberships m WHERE m.organization_id = t.organization_id
                                     ORDER BY user_id LIMIT 1) m ON true;
    `);
    // Statistics and the visibility map, as autovacuum would leave them.
    await sql.exec(`VACUUM ANALYZE ${TABLES.join(', ')}, ticket_assignees`);
  }, 180_000);
  afterAll(() => t.close());

  it('seeds the size the plans are about', async () => {
    const [n] = await sql.query<{ leads: number; deals: number; mine: number }>(
      `SELECT (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM deals)::int AS deals,
              (SELECT count(*) FROM leads WHERE organization_id = $1)::int AS mine`,
      [org.id],
    );
    expect(n).toEqual({ leads: LEADS, deals: DEALS, mine: LEADS / ORGS });
  });

  for (const [who, query] of [
    ['ADMIN', 'period=90d&interval=week'],
    ['ADMIN for one agent', 'period=90d&interval=week&agentId=AGENT'],
    ['AGENT', 'period=1y&interval=month'],
  ] as const) {
    it(`reads every table through an organization index, never a sequential scan (${who})`, async () => {
      const user = who === 'AGENT' ? agent : org.admin;
      const found = await plan(user, query.replace('AGENT', agent.id));
      for (const table of TABLES) {
        const scans = scansOf(found, table); // tickets through the ticket_summary view
        expect([table, scans.length > 0]).toEqual([table, true]);
        for (const scan of scans) {
          expect([table, scan['Node Type']]).toEqual([
            table,
            expect.stringMatching(/^(Index|Index Only|Bitmap Heap) Scan$/),
          ]);
        }
      }
      // The leads of the two periods come from the index of live leads by creation time, alone
      // (other scans of leads are the appointments policy's, run for an AGENT only).
      expect(scansOf(found, 'leads').filter((n) => n.Alias === 'leads')).toEqual([
        expect.objectContaining({
          'Node Type': 'Index Only Scan',
          'Index Name': 'leads_org_live_created_response_idx',
        }),
      ]);
    });
  }

  it('reads the price changes of a period from their own index, not every change of the organization', async () => {
    const indexes = planNodes(await plan(org.admin, 'period=90d&interval=week')).map((n) => n['Index Name']);
    expect(indexes).toContain('listing_price_history_org_changed_idx');
    expect(indexes).toContain('deals_org_open_won_idx');
  });
});
