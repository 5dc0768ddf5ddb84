// `node bench/lead-scoring.mjs`: how long a weights change takes to rescore an organization's
// leads (PUT /v1/settings/lead-scoring runs app.rescore_leads() in its transaction). See
// docs/lead-scoring.md ("Cost") for the figure.
//
// 1. recreates `crm_bench_scoring` and applies every migration in order (plain SQL, as the
//    project's runner does, without the ledger);
// 2. seeds one organization with BENCH_LEADS leads (varied sources, budgets, timelines,
//    contact details), two activities per lead and an appointment for every fifth, as the
//    migration role without an organization (so nothing is scored yet);
// 3. as crm_app in the organization (ADMIN), the way the API's unit of work runs: saves
//    weights and rescores, three times — from nothing (every lead changes), with other
//    weights (most change), and with the same weights (none change: the cost of computing
//    alone) — and prints each time and the rows changed.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, databaseUrl, logger, num, serverUrl, withClient } from './lib.mjs';

const database = process.env.BENCH_SCORING_DATABASE_NAME || 'crm_bench_scoring';
const leads = num('BENCH_LEADS', 10_000);
const dbUrl = databaseUrl(serverUrl, database);
const log = logger('bench:scoring');

const ORG = '00000000-0000-4000-8000-00000000000a';
const USER = '00000000-0000-4000-8000-00000000000b';

const SEED = `
INSERT INTO profiles (id, email) VALUES ('${USER}', 'bench@example.test');
INSERT INTO organizations (id, name) VALUES ('${ORG}', 'Bench');
INSERT INTO memberships (organization_id, user_id, role) VALUES ('${ORG}', '${USER}', 'ADMIN');
INSERT INTO leads (organization_id, name, email, phone, source, budget, timeline, priority, last_contact_at)
SELECT '${ORG}',
       CASE WHEN i % 3 = 0 THEN 'Buyer' ELSE 'Buyer ' || i END,
       CASE WHEN i % 2 = 0 THEN 'buyer' || i || '@example.test' END,
       CASE WHEN i % 4 <> 0 THEN '+1 415 555 ' || lpad((i % 10000)::text, 4, '0') END,
       (enum_range(NULL::"LeadSource"))[1 + i % 9],
       CASE WHEN i % 5 <> 0 THEN (i % 20) * 100000 END,
       (ARRAY['ASAP', '0-3 months', '3-6 months', '1 year', 'just looking', NULL])[1 + i % 6],
       (enum_range(NULL::"LeadPriority"))[1 + i % 4],
       CASE WHEN i % 3 = 0 THEN now() - (i % 60) * interval '1 day' END
  FROM generate_series(1, $1::int) i;
INSERT INTO activities (organization_id, type, title, lead_id)
SELECT '${ORG}', 'NOTE', 'Note', l.id FROM leads l CROSS JOIN generate_series(1, 2);
INSERT INTO appointments (organization_id, title, starts_at, ends_at, lead_id)
SELECT '${ORG}', 'Showing', now() + n * interval '1 hour', now() + n * interval '1 hour' + interval '30 minutes', id
  FROM (SELECT id, row_number() OVER () AS n FROM leads) l WHERE n % 5 = 0;
`;

const settings = (budgetWeight) => `
INSERT INTO lead_scoring_settings (organization_id, source_weights, budget_weight, timeline_weight, completeness_weight,
  priority_weight, activity_points, activity_max, appointment_points, appointment_max, recency_weight, qualified_bonus,
  require_pre_approval, require_budget_confirmed, max_timeline_months, updated_by_id)
SELECT s.organization_id, s.source_weights, ${budgetWeight}, s.timeline_weight, s.completeness_weight, s.priority_weight,
       s.activity_points, s.activity_max, s.appointment_points, s.appointment_max, s.recency_weight, s.qualified_bonus,
       s.require_pre_approval, s.require_budget_confirmed, s.max_timeline_months, '${USER}'
  FROM app.lead_scoring_defaults('${ORG}') s
ON CONFLICT (organization_id) DO UPDATE SET budget_weight = EXCLUDED.budget_weight`;

async function rescore(client, label, budgetWeight) {
  const start = performance.now();
  await client.query('BEGIN');
  await client.query(
    `SELECT set_config('role', 'crm_app', true), set_config('app.current_org_id', $1, true),
            set_config('app.current_user_id', $2, true), set_config('app.current_role', 'ADMIN', true)`,
    [ORG, USER],
  );
  await client.query(settings(budgetWeight));
  const { rows } = await client.query('SELECT app.rescore_leads() AS n');
  await client.query('COMMIT');
  const ms = performance.now() - start;
  log(`${label}: ${rows[0].n} of ${leads} leads rescored in ${ms.toFixed(0)} ms`);
}

await withClient(serverUrl, async (c) => {
  await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${database}`);
});
await withClient(dbUrl, async (c) => {
  const dir = resolve(ROOT, 'prisma/migrations');
  for (const name of readdirSync(dir)
    .filter((n) => /^\d{14}_/.test(n))
    .sort()) {
    await c.query(readFileSync(resolve(dir, name, 'migration.sql'), 'utf8'));
  }
  log(`migrated; seeding ${leads} leads`);
  await c.query(SEED.replace('$1::int', String(leads)));
  await c.query('ANALYZE');
  await rescore(c, 'first weights (every lead scored)', 15);
  await rescore(c, 'budget weight 15 → 30', 30);
  await rescore(c, 'the same weights again', 30);
});
