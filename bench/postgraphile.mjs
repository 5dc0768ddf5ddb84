// The benchmark's PostGraphile peer: an off-the-shelf GraphQL server generated from the
// same database, with the same row-level security doing the tenancy. PostGraphile v4 in
// library mode on a plain `http.createServer`; the bench drives POST /graphql with the
// GraphQL operations in bench/run.mjs (SCENARIOS[].graphql).
//
// Per request, in pgSettings(req):
//   * verify the same HS256 JWT as the API and the baseline (sub, aud, exp) — a bad or
//     missing token is 401;
//   * run `app.begin_request(user, X-Organization-Id)` — the API's own membership check —
//     on a pooled connection outside PostGraphile's transaction, and read back the four
//     settings it set (role, app.current_user_id, app.current_org_id, app.current_role);
//     not a member is 403;
//   * return them as pgSettings: PostGraphile opens its transaction, sets them with
//     set_config(…, true) in one statement, runs its own SQL as crm_app, and commits.
//     RLS sees exactly what it sees for the API.
//
// Env: PEER_PORT, PEER_DATABASE_URL, PEER_POOL_SIZE, PEER_JWT_SECRET,
//      PEER_JWT_AUDIENCE (default authenticated).
import { createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import postgraphileLib from 'postgraphile';
import ConnectionFilterPlugin from 'postgraphile-plugin-connection-filter';

const { postgraphile } = postgraphileLib;

const PORT = Number(process.env.PEER_PORT ?? 3903);
const SECRET = process.env.PEER_JWT_SECRET;
const AUDIENCE = process.env.PEER_JWT_AUDIENCE ?? 'authenticated';
if (!SECRET) throw new Error('PEER_JWT_SECRET is required');
// A KeyObject: given a string, jsonwebtoken tries it as a PEM public key on every verify.
const KEY = createSecretKey(Buffer.from(SECRET));

// Sessions start as crm_app, so PostGraphile's introspection (ignoreRBAC: false) exposes
// only what the runtime role may do — no DELETE on leads, no migration ledger.
const pool = new pg.Pool({
  connectionString: process.env.PEER_DATABASE_URL,
  max: Number(process.env.PEER_POOL_SIZE ?? 10),
  options: '-c role=crm_app',
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function httpError(statusCode, message) {
  return Object.assign(new Error(message), { statusCode });
}

/**
 * begin_request's settings, as it set them: it runs in its own (autocommit) transaction,
 * so they end with this statement; the select list reads them after the function ran.
 */
const RESOLVE = `SELECT current_setting('role') AS role,
       current_setting('app.current_user_id') AS user_id,
       current_setting('app.current_org_id') AS org_id,
       current_setting('app.current_role') AS member_role
  FROM app.begin_request($1::uuid, $2::uuid)`;

async function pgSettings(req) {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) throw httpError(401, 'Missing token');
  let payload;
  try {
    payload = jwt.verify(header.slice(7), KEY, { algorithms: ['HS256'], audience: AUDIENCE });
  } catch {
    throw httpError(401, 'Invalid token');
  }
  if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw httpError(401, 'Invalid token');
  const org = req.headers['x-organization-id'];
  if (org !== undefined && (typeof org !== 'string' || !UUID.test(org))) {
    throw httpError(400, 'X-Organization-Id must be a UUID');
  }
  const { rows } = await pool.query(RESOLVE, [payload.sub, org ?? null]);
  const s = rows[0];
  if (!s?.org_id) throw httpError(403, 'Not a member of this organization');
  return {
    role: s.role,
    'app.current_user_id': s.user_id,
    'app.current_org_id': s.org_id,
    'app.current_role': s.member_role,
  };
}

const graphql = postgraphile(pool, 'public', {
  appendPlugins: [ConnectionFilterPlugin],
  pgSettings,
  // Only the operators a filter needs; no filters across relations.
  graphileBuildOptions: { connectionFilterRelations: false, connectionFilterComputedColumns: false },
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  legacyRelations: 'omit',
  ignoreRBAC: false,
  graphiql: false,
  disableQueryLog: true,
  retryOnInitFail: false,
  enableQueryBatching: false,
});

async function ready(res) {
  try {
    await graphql.getGraphQLSchema();
    await pool.query('SELECT 1');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  } catch (error) {
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: String(error) }));
  }
}

const server = createServer((req, res) => {
  if (req.url === '/health/ready') return void ready(res);
  graphql(req, res);
});

const close = () => {
  server.close();
  server.closeAllConnections();
  // A pool that does not drain (a client still checked out) must not keep the peer alive.
  setTimeout(() => process.exit(0), 2000).unref();
  graphql
    .release()
    .then(() => pool.end())
    .finally(() => process.exit(0));
};
process.on('SIGTERM', close);
process.on('SIGINT', close);

server.listen(PORT, '127.0.0.1');
