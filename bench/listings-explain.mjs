// EXPLAIN (ANALYZE, BUFFERS) of the most common listing searches at 100,000 listings
// in one organization (plus a few smaller organizations), run exactly as the API runs
// them: the SQL is compiled by the built listing-search module (Kysely, no connection),
// executed as crm_app with the tenant set.
//
//   npm run build && node bench/listings-explain.mjs
//
// BENCH_DATABASE_URL points at any database of the server (default
// postgresql://postgres@127.0.0.1:5432/postgres); the script (re)creates its own
// database crm_explain there, migrates it with the project's runner and seeds it
// set-based with generate_series.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { migrate } from '../dist/database/migrator.js';
import { pgSession } from '../dist/database/sql-session.js';
import { createSql } from '../dist/database/sql.js';
import { listingCount, listingPage } from '../dist/listings/listing-search.js';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'crm_explain';
const MAIN_LISTINGS = 100_000;
const OTHER_ORGS = 3;
const OTHER_LISTINGS = 5_000;

const CITIES = [
  ['Austin', 'TX'],
  ['Dallas', 'TX'],
  ['Houston', 'TX'],
  ['San Antonio', 'TX'],
  ['Denver', 'CO'],
  ['Boulder', 'CO'],
  ['Phoenix', 'AZ'],
  ['Tucson', 'AZ'],
  ['San Francisco', 'CA'],
  ['Oakland', 'CA'],
  ['San Jose', 'CA'],
  ['Los Angeles', 'CA'],
  ['San Diego', 'CA'],
  ['Seattle', 'WA'],
  ['Portland', 'OR'],
  ['Chicago', 'IL'],
  ['Miami', 'FL'],
  ['Orlando', 'FL'],
  ['Atlanta', 'GA'],
  ['Boston', 'MA'],
];
// Weighted: half the book is on the market.
const STATUS = [
  'ACTIVE',
  'ACTIVE',
  'ACTIVE',
  'ACTIVE',
  'ACTIVE',
  'PENDING',
  'PENDING',
  'SOLD',
  'SOLD',
  'CONTINGENT',
  'EXPIRED',
  'WITHDRAWN',
];
const TYPES = [
  'RESIDENTIAL',
  'RESIDENTIAL',
  'RESIDENTIAL',
  'CONDO',
  'CONDO',
  'TOWNHOUSE',
  'MULTI_FAMILY',
  'LAND',
  'COMMERCIAL',
  'LUXURY',
];
const STREETS = [
  'Main St',
  'Oak Ave',
  'Elm St',
  'Maple Dr',
  'Cedar Ln',
  'Pine St',
  'Lake Rd',
  'Hill Ct',
  'Park Ave',
  'Mission St',
  'Valencia St',
  'Congress Ave',
];

const log = (line = '') => process.stdout.write(`${line}\n`);

// Kysely compiles without a connection; the API's driver sends bigints (price cents) as text.
const compiler = createSql(() => {
  throw new Error('listings-explain only compiles statements');
});
const compiled = (query) => {
  const { sql, parameters } = query.compile();
  return { text: sql, values: parameters.map((v) => (typeof v === 'bigint' ? v.toString() : v)) };
};

const arr = (xs) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;
const pick = (salt, n) => `(abs(hashint8(g * 31 + ${salt})) % ${n})`;
const from = (xs, salt) => `(${arr(xs)})[1 + ${pick(salt, xs.length)}]`;

const orgId = (o) => `md5('explain-org-${o}')::uuid`;
const userId = (o) => `md5('explain-user-${o}')::uuid`;

function seedSql() {
  const orgs = 1 + OTHER_ORGS;
  return `
INSERT INTO organizations (id, name) SELECT md5('explain-org-' || o)::uuid, 'Explain Realty ' || o FROM generate_series(1, ${orgs}) o;
INSERT INTO profiles (id, email) SELECT md5('explain-user-' || o)::uuid, 'admin' || o || '@explain.example' FROM generate_series(1, ${orgs}) o;
INSERT INTO memberships (organization_id, user_id, role)
  SELECT md5('explain-org-' || o)::uuid, md5('explain-user-' || o)::uuid, 'ADMIN' FROM generate_series(1, ${orgs}) o;

-- Organization 1 gets ${MAIN_LISTINGS} listings, the others ${OTHER_LISTINGS} each; ~2% soft-deleted.
INSERT INTO listings (organization_id, title, description, address, city, state, zip_code, property_type,
                      bedrooms, bathrooms, square_feet, year_built, price, status, mls_number, listing_date,
                      features, assigned_to_id, created_by_id, created_at, updated_at, deleted_at)
SELECT org, bedrooms || '-bed ' || lower(ptype) || ' in ' || city[1], 'Listing ' || g || ': bright, updated, close to transit',
       (1 + ${pick(1, 9000)}) || ' ' || ${from(STREETS, 2)}, city[1], city[2], lpad((10000 + ${pick(3, 89999)})::text, 5, '0'),
       ptype::"PropertyType", bedrooms, (1 + ${pick(5, 7)} * 0.5)::numeric(3, 1), sqft, 1900 + ${pick(6, 125)},
       (100000 + ${pick(7, 2900)} * 1000)::numeric(12, 2), ${from(STATUS, 8)}::"ListingStatus", 'MLS-' || o || '-' || g,
       CASE WHEN ${pick(9, 20)} = 0 THEN NULL ELSE now() - make_interval(secs => ${pick(10, 3 * 365 * 86400)}) END,
       ARRAY['garage'], usr, usr, created, created,
       CASE WHEN ${pick(11, 50)} = 0 THEN created + interval '30 days' END
FROM (
  SELECT g, o, md5('explain-org-' || o)::uuid AS org, md5('explain-user-' || o)::uuid AS usr,
         (${arr(CITIES.map(([c, s]) => `${c}|${s}`))})[1 + ${pick(4, CITIES.length)}] AS cs,
         ${from(TYPES, 12)} AS ptype, ${pick(13, 7)} AS bedrooms, 500 + ${pick(14, 4500)} AS sqft,
         now() - make_interval(secs => ${pick(15, 3 * 365 * 86400)}) AS created
  FROM (SELECT g, CASE WHEN g <= ${MAIN_LISTINGS} THEN 1 ELSE 2 + (g - ${MAIN_LISTINGS} - 1) / ${OTHER_LISTINGS} END AS o
        FROM generate_series(1, ${MAIN_LISTINGS + OTHER_ORGS * OTHER_LISTINGS}) g) s
) x, LATERAL (SELECT string_to_array(x.cs, '|') AS city) c;
`;
}

/** The query object the API's validation pipe would produce. */
const search = (q) => ({ page: 1, pageSize: 25, ...q });

const SEARCHES = [
  {
    name: 'status=ACTIVE&priceMin=400000&priceMax=600000&sort=price',
    query: search({ status: ['ACTIVE'], priceMin: '400000', priceMax: '600000', sort: 'price' }),
  },
  {
    name: 'city=austin&bedroomsMin=3&sort=-listingDate',
    query: search({ city: 'austin', bedroomsMin: 3, sort: '-listingDate' }),
  },
  {
    name: 'q=maple&status=ACTIVE&sort=-listingDate (q is a filter, see the migration)',
    query: search({ q: 'maple', status: ['ACTIVE'], sort: '-listingDate' }),
  },
];

async function main() {
  const server = new pg.Client({ connectionString: SERVER });
  await server.connect();
  await server.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await server.query(`CREATE DATABASE ${DATABASE}`);
  await server.end();

  const url = new URL(SERVER);
  url.pathname = `/${DATABASE}`;
  const session = await pgSession(url.toString());
  const { applied } = await migrate(session);
  await session.close();
  log(`migrated ${DATABASE}: ${applied.length} migrations`);

  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  let t = performance.now();
  await db.query(seedSql());
  await db.query('VACUUM ANALYZE listings');
  log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const { rows: counts } = await db.query(`
    SELECT o.name, count(*)::int AS listings, count(*) FILTER (WHERE l.deleted_at IS NULL)::int AS live,
           count(*) FILTER (WHERE l.deleted_at IS NULL AND l.status = 'ACTIVE')::int AS active
    FROM listings l JOIN organizations o ON o.id = l.organization_id GROUP BY o.name ORDER BY o.name`);
  log('organization        listings    live  live ACTIVE');
  for (const c of counts) {
    log(
      `${c.name.padEnd(18)}${String(c.listings).padStart(10)}${String(c.live).padStart(8)}${String(c.active).padStart(13)}`,
    );
  }
  const [{ history }] = (
    await db.query(
      'SELECT (SELECT count(*) FROM listing_price_history) + (SELECT count(*) FROM listing_status_history) AS history',
    )
  ).rows;
  log(`history rows written by the triggers while seeding: ${history}`);

  const [{ org, usr }] = (await db.query(`SELECT ${orgId(1)}::text AS org, ${userId(1)}::text AS usr`)).rows;
  for (const { name, query } of SEARCHES) {
    for (const [kind, sql] of [
      ['page', compiled(listingPage(compiler, org, query))],
      ['count', compiled(listingCount(compiler, org, query))],
    ]) {
      await db.query('BEGIN');
      try {
        // The API's first statement: the runtime role and the tenant, for this transaction only.
        await db.query(
          `SELECT set_config('role', 'crm_app', true), set_config('app.current_org_id', $1, true),
                  set_config('app.current_user_id', $2, true), set_config('app.current_role', 'ADMIN', true)`,
          [org, usr],
        );
        t = performance.now();
        const result = await db.query(sql.text, sql.values);
        const ms = performance.now() - t;
        const rowsOut = kind === 'page' ? `${result.rowCount} rows` : `total ${result.rows[0].total}`;
        const { rows: plan } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values);
        log(`\n=== ${name} — ${kind} query (${rowsOut}, ${ms.toFixed(1)} ms as run by the API)`);
        log(sql.text.replace(/\s+/g, ' '));
        log(plan.map((r) => r['QUERY PLAN']).join('\n'));
      } finally {
        await db.query('ROLLBACK');
      }
    }
  }
  await db.end();
}

await main();
