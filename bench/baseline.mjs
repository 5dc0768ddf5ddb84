// The benchmark's baseline: the fastest plain thing that does the API's job for
// the benchmarked lead routes. Fastify + pg + jsonwebtoken, no framework, no ORM,
// no logging — but the same work per request as the API:
//   * verify the same HS256 JWT (sub, aud, exp);
//   * one transaction per request whose first statement is app.begin_request
//     (role crm_app, user, organization, member role — the membership check the
//     API needs too), then the very SQL the API sends for that route, then COMMIT;
//   * the same response shapes (a lead as the API's LeadOutput, lists as {data, meta}).
//
// The statement texts below are copied from what the API sends (captured with
// bench/trace-sql.mjs); `npm run bench` checks they still match before measuring.
//
// Env: BASELINE_PORT, BASELINE_DATABASE_URL, BASELINE_POOL_SIZE, BASELINE_JWT_SECRET,
//      BASELINE_JWT_AUDIENCE (default authenticated), BASELINE_PREPARED (1: named statements).
import { createSecretKey } from 'node:crypto';
import Fastify from 'fastify';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const PORT = Number(process.env.BASELINE_PORT ?? 3902);
const SECRET = process.env.BASELINE_JWT_SECRET;
const AUDIENCE = process.env.BASELINE_JWT_AUDIENCE ?? 'authenticated';
if (!SECRET) throw new Error('BASELINE_JWT_SECRET is required');
// A KeyObject: given a string, jsonwebtoken tries it as a PEM public key on every verify.
const KEY = createSecretKey(Buffer.from(SECRET));

const pool = new pg.Pool({
  connectionString: process.env.BASELINE_DATABASE_URL,
  max: Number(process.env.BASELINE_POOL_SIZE ?? 10),
});

// BASELINE_PREPARED=1: named prepared statements, as the API sends them on a direct
// connection; by default unnamed, as plain `pg` sends them.
const PREPARED = process.env.BASELINE_PREPARED === '1';
const names = new Map();
function statement(text, values) {
  if (!PREPARED) return { text, values };
  if (!names.has(text)) names.set(text, `baseline_${names.size}`);
  return { name: names.get(text), text, values };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = new Set(['NEW_LEAD', 'IN_CONTACT', 'QUALIFIED', 'UNQUALIFIED', 'CONVERTED', 'LOST']);

// ---------------------------------------------------------------------------
// SQL, as the API's SQL layer (Kysely) renders it
// ---------------------------------------------------------------------------

const BEGIN_REQUEST = 'SELECT org_id, member_role, membership_count FROM app.begin_request($1::uuid, $2::uuid, $3)';

const quoted = (columns) => columns.map((c) => `"${c}"`).join(', ');
// The list's columns as src/leads/leads.repository.ts selects them; rows come back with
// these (snake_case) names and toLead names them as the API's LeadOutput.
const LIST_COLUMNS = [
  'id',
  'name',
  'email',
  'phone',
  'company',
  'source',
  'status',
  'score',
  'score_value',
  'budget',
  'timeline',
  'notes',
  'tags',
  'custom_fields',
  'assigned_to_id',
  'created_by_id',
  'created_at',
  'updated_at',
  'version',
  'last_contact_at',
  'deleted_at',
  'converted_contact_id',
  'campaign_id',
  'priority',
  'computed_score',
  'score_override',
  'first_response_at',
];
// A whole lead, as LeadsRepository's single-lead statements select it.
const LEAD_COLUMNS = quoted(['id', 'organization_id', ...LIST_COLUMNS.slice(1)]);

/**
 * WHERE for the list as LeadsRepository renders it (status and q only — what the bench
 * sends), numbering parameters from `n`: every value is its own parameter, so the WHERE
 * appears twice (page, total) with fresh numbers.
 */
function listWhere(orgId, status, q, n) {
  const and = [`"organization_id" = $${n++}`, '"deleted_at" is null'];
  const params = [orgId];
  if (status.length) {
    and.push(`"status" in (${status.map(() => `$${n++}`).join(', ')})`);
    params.push(...status);
  }
  if (q) {
    // q taken literally, as src/common/search.ts's containsPattern: LIKE's wildcards escaped.
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = (col) => `"${col}" ilike $${n++}`;
    and.push(`(${like('name')} or ${like('email')} or ${like('phone')} or ${like('company')})`);
    params.push(pattern, pattern, pattern, pattern);
  }
  return { sql: and.join(' and '), params, next: n };
}

const FIND_LIVE = `select ${LEAD_COLUMNS} from "leads" where "organization_id" = $1 and "id" = $2 and "deleted_at" is null`;
const LOCK_KEYS =
  "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (VALUES (1, 'lead-email:' || $1::text || ':' || lower(btrim($2::text))), " +
  "(2, 'lead-phone:' || $3::text || ':' || nullif(regexp_replace($4::text, '[^0-9]', '', 'g'), ''))) AS keys (n, k) WHERE k IS NOT NULL ORDER BY n";
// The create body the bench sends: name, email, phone, company, source, status, scoreValue,
// tags — inserted only when no live lead has the same normalized email or phone digits.
const INSERTED = [
  'name',
  'email',
  'phone',
  'company',
  'source',
  'status',
  'score_value',
  'tags',
  'created_by_id',
  // A scoreValue sent is a manual score (leads.repository.ts, withOverride).
  'score_override',
  'organization_id',
];
const INSERT_UNLESS_DUPLICATE =
  `insert into "leads" (${quoted(INSERTED)}) select ${INSERTED.map((c, i) => `$${i + 1} as "${c}"`).join(', ')} ` +
  'where not exists (select "l"."id" from "leads" as "l" where ("l"."organization_id" = $12 and "l"."deleted_at" is null and ' +
  '("l"."email_key" = lower(btrim($13::text)) or "l"."phone_key" = nullif(regexp_replace($14::text, \'[^0-9]\', \'\', \'g\'), \'\')))) ' +
  `returning ${LEAD_COLUMNS}`;
// The patch body the bench sends: notes, scoreValue (a manual score: score_override).
const UPDATE = `update "leads" set "notes" = $1, "score_value" = $2, "score_override" = $3 where "organization_id" = $4 and "id" = $5 and "deleted_at" is null returning ${LEAD_COLUMNS}`;

// ---------------------------------------------------------------------------
// Output, as the API's toLeadOutput
// ---------------------------------------------------------------------------

const iso = (d) => (d === null ? null : d.toISOString());
/** A row (the table's column names) as the API's toLeadOutput. */
function toLead(r) {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    company: r.company,
    source: r.source,
    status: r.status,
    score: r.score,
    scoreValue: r.score_value,
    scoreOverridden: r.score_override,
    computedScore: r.computed_score,
    priority: r.priority,
    budget: r.budget, // numeric(12,2) arrives as its exact decimal text
    timeline: r.timeline,
    notes: r.notes,
    tags: r.tags,
    customFields: r.custom_fields,
    assignedToId: r.assigned_to_id,
    createdById: r.created_by_id,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    version: r.version,
    lastContactAt: iso(r.last_contact_at),
    deletedAt: iso(r.deleted_at),
    convertedContactId: r.converted_contact_id,
    campaignId: r.campaign_id,
  };
}

// ---------------------------------------------------------------------------
// Request plumbing
// ---------------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function authenticate(request) {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer '))
    throw new HttpError(401, 'UNAUTHORIZED', 'Missing token');
  let payload;
  try {
    payload = jwt.verify(header.slice(7), KEY, { algorithms: ['HS256'], audience: AUDIENCE });
  } catch {
    throw new HttpError(401, 'UNAUTHORIZED', 'Invalid token');
  }
  if (typeof payload.sub !== 'string' || !UUID.test(payload.sub))
    throw new HttpError(401, 'UNAUTHORIZED', 'Invalid token');
  const org = request.headers['x-organization-id'];
  if (org !== undefined && (typeof org !== 'string' || !UUID.test(org))) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'X-Organization-Id must be a UUID');
  }
  return { userId: payload.sub.toLowerCase(), orgId: org?.toLowerCase() ?? null };
}

/** BEGIN + app.begin_request; fn(client, ctx); COMMIT — the API's unit of work. */
async function inTenant(request, writer, fn) {
  const { userId, orgId } = authenticate(request);
  const client = await pool.connect();
  try {
    // BEGIN and app.begin_request in one round trip, its parameters as literals, as the API sends them.
    const literal = (v) => (v === null ? 'NULL' : client.escapeLiteral(v));
    const opening = [userId, orgId, request.id].reduce(
      (text, v, i) => text.replace(`$${i + 1}`, literal(v)),
      BEGIN_REQUEST,
    );
    const [, { rows }] = await client.query(`BEGIN; ${opening}`);
    const ctx = rows[0];
    if (!ctx?.org_id) throw new HttpError(403, 'NOT_A_MEMBER', 'Not a member');
    if (writer && ctx.member_role === 'VIEWER') throw new HttpError(403, 'FORBIDDEN', 'Role too low');
    const result = await fn(client, { userId, orgId: ctx.org_id, role: ctx.member_role });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function intParam(v, def, min, max) {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(400, 'VALIDATION_FAILED', 'bad integer');
  return n;
}

function leadId(params) {
  if (!UUID.test(params.id)) throw new HttpError(400, 'VALIDATION_FAILED', 'id must be a UUID');
  return params.id.toLowerCase();
}

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

const app = Fastify({ logger: false });

app.setErrorHandler((error, request, reply) => {
  const status = error instanceof HttpError ? error.status : (error.statusCode ?? 500);
  reply
    .status(status)
    .send({ statusCode: status, code: error.code ?? 'INTERNAL', message: error.message, requestId: request.id });
});

app.get('/health/ready', async () => {
  await pool.query('SELECT 1');
  return { status: 'ok' };
});

app.get('/v1/leads', (request) => {
  const q = request.query;
  const page = intParam(q.page, 1, 1, 1_000_000);
  const pageSize = intParam(q.pageSize, 25, 1, 100);
  if (q.sort !== undefined && q.sort !== '-createdAt') throw new HttpError(400, 'VALIDATION_FAILED', 'sort');
  const status = q.status
    ? String(q.status)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  if (!status.every((s) => STATUSES.has(s))) throw new HttpError(400, 'VALIDATION_FAILED', 'status');
  const text = typeof q.q === 'string' ? q.q.trim() : undefined;
  return inTenant(request, false, async (client, ctx) => {
    // One statement: the page and its total (a scalar subquery), as LeadsRepository.list.
    const inner = listWhere(ctx.orgId, status, text, 1);
    const outer = listWhere(ctx.orgId, status, text, inner.next);
    const n = outer.next;
    const skip = (page - 1) * pageSize;
    const { rows } = await client.query(
      statement(
        `select ${quoted(LIST_COLUMNS)}, (select count(*)::int as "n" from "leads" where (${inner.sql})) as "total" from "leads" where (${outer.sql}) order by "created_at" desc, "id" asc limit $${n} offset $${n + 1}`,
        [...inner.params, ...outer.params, pageSize, skip],
      ),
    );
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && skip > 0) {
      const w = listWhere(ctx.orgId, status, text, 1);
      const count = await client.query(
        statement(`select count(*)::int as "total" from "leads" where (${w.sql})`, w.params),
      );
      total = count.rows[0].total;
    }
    return { data: rows.map(toLead), meta: { page, pageSize, total, totalPages: Math.ceil(total / pageSize) } };
  });
});

app.get('/v1/leads/:id', (request) => {
  const id = leadId(request.params);
  return inTenant(request, false, async (client, ctx) => {
    const { rows } = await client.query(statement(FIND_LIVE, [ctx.orgId, id]));
    if (!rows.length) throw new HttpError(404, 'NOT_FOUND', 'Lead not found');
    return toLead(rows[0]);
  });
});

app.post('/v1/leads', async (request, reply) => {
  const b = request.body ?? {};
  if (typeof b.name !== 'string' || !b.name.trim()) throw new HttpError(400, 'VALIDATION_FAILED', 'name');
  const lead = await inTenant(request, true, async (client, ctx) => {
    if (b.email || b.phone)
      await client.query(statement(LOCK_KEYS, [ctx.orgId, b.email ?? null, ctx.orgId, b.phone ?? null]));
    const { rows } = await client.query(
      statement(INSERT_UNLESS_DUPLICATE, [
        b.name.trim(),
        b.email ?? null,
        b.phone ?? null,
        b.company ?? null,
        b.source ?? 'WEBSITE',
        b.status ?? 'NEW_LEAD',
        b.scoreValue ?? 0,
        b.tags ?? [],
        ctx.userId,
        b.scoreValue !== undefined,
        ctx.orgId,
        ctx.orgId,
        b.email ?? null,
        b.phone ?? null,
      ]),
    );
    if (!rows.length) throw new HttpError(409, 'DUPLICATE_LEAD', 'duplicate');
    return toLead(rows[0]);
  });
  reply.status(201);
  return lead;
});

app.patch('/v1/leads/:id', (request) => {
  const id = leadId(request.params);
  const b = request.body ?? {};
  return inTenant(request, true, async (client, ctx) => {
    // No status or assignee change: the UPDATE alone (it locks the row), as the API does.
    const { rows } = await client.query(
      statement(UPDATE, [b.notes ?? null, b.scoreValue ?? null, b.scoreValue !== undefined, ctx.orgId, id]),
    );
    if (!rows.length) throw new HttpError(404, 'NOT_FOUND', 'Lead not found');
    return toLead(rows[0]);
  });
});

const close = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.on('SIGTERM', close);
process.on('SIGINT', close);

await app.listen({ port: PORT, host: '127.0.0.1' });
