import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { AUDITED_TABLES } from '../src/audit/audited-tables.js';
import { addMember, as, createLead, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { createContact, createDeal, createListing } from './helpers/records.js';
import { asApp } from './helpers/sql-as-app.js';
import { createTicket } from './helpers/tickets.js';

// Response bodies and rows are checked field by field.
type Json = Record<string, any>;

interface AuditRow {
  id: string;
  table_name: string;
  record_id: string;
  action: string;
  changes: Record<string, [unknown, unknown]>;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  request_id: string | null;
}

/** Tables with organization_id deliberately not audited: history, counters and what the job runner writes (migrations 20261206020000 and 20261206080000 say why). */
const NOT_AUDITED = [
  'activity_digests',
  'appointment_reminders',
  'audit_log',
  'deal_stage_history',
  'email_outbox',
  'embedded_jobs',
  // The outbox is itself a record of changes; counters and tokens are its bookkeeping.
  'event_counters',
  'event_stream_tokens',
  'events',
  // An import's own bookkeeping (the rows it writes are audited in their tables).
  'import_errors',
  'import_jobs',
  'import_logs',
  'job_failures',
  // Lead routing's turns: a row changes on every captured lead (the rule itself is audited).
  'lead_routing_agents',
  'listing_expiration_alerts',
  'listing_price_history',
  'listing_status_history',
  'notifications',
  // Billing as Stripe reports it, written only by its webhook; stripe_events is that record itself.
  'organization_billing',
  'stripe_events',
  'ticket_counters',
  'ticket_status_history',
  // The webhook dispatcher's own bookkeeping (the webhook itself is audited).
  'webhook_attempts',
  'webhook_cursors',
  'webhook_deliveries',
];
/** Never in `changes`, on any table. */
const NEVER_RECORDED = ['updatedAt', 'version'];

function expectError(res: { status: number; body: any }, statusCode: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: statusCode, code });
}

describe('audit history', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;

  const rid = () => `audit-${randomUUID()}`;
  const SELECT_ROWS = `SELECT id::text, table_name, record_id, action::text AS action, changes, actor_user_id,
                              actor_api_key_id, request_id
                       FROM audit_log`;
  /** The rows one request wrote, in order (read as the owner). */
  const rowsOfRequest = (requestId: string) =>
    t.db.admin.query<AuditRow>(`${SELECT_ROWS} WHERE request_id = $1 ORDER BY audit_log.id`, [requestId]);
  const rowsOfRecord = (recordId: string) =>
    t.db.admin.query<AuditRow>(`${SELECT_ROWS} WHERE record_id = $1 ORDER BY audit_log.id`, [recordId]);
  const post = (path: string, user: User, orgId: string, requestId: string, body: Json = {}) =>
    t.http.post(path).set(as(user, orgId)).set('x-request-id', requestId).send(body);

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
  });

  describe('what is recorded', () => {
    it("records a lead's create, update, soft delete and restore with the actor and the request id", async () => {
      const [r1, r2, r3, r4] = [rid(), rid(), rid(), rid()];
      const lead = (await post('/v1/leads', a.admin, a.id, r1, { name: 'Maria Audit', email: 'maria@audit.test' }))
        .body;
      await t.http
        .patch(`/v1/leads/${lead.id}`)
        .set(as(a.admin, a.id))
        .set('x-request-id', r2)
        .send({ status: 'IN_CONTACT', scoreValue: 80 })
        .expect(200);
      await t.http.delete(`/v1/leads/${lead.id}`).set(as(a.admin, a.id)).set('x-request-id', r3).expect(204);
      await post(`/v1/leads/${lead.id}/restore`, a.admin, a.id, r4).expect(200);

      const rows = await rowsOfRecord(lead.id);
      expect(rows.map((r) => [r.action, r.request_id])).toEqual([
        ['INSERT', r1],
        ['UPDATE', r2],
        ['SOFT_DELETE', r3],
        ['RESTORE', r4],
      ]);
      for (const row of rows) {
        expect(row).toMatchObject({ table_name: 'leads', actor_user_id: a.admin.id, actor_api_key_id: null });
      }
      const [created, updated, deleted, restored] = rows.map((r) => r.changes);
      // INSERT: every field that has a value, as [null, new], by its API name; never the derived ones.
      expect(created).toMatchObject({
        id: [null, lead.id],
        organizationId: [null, a.id],
        name: [null, 'Maria Audit'],
        email: [null, 'maria@audit.test'],
        status: [null, 'NEW_LEAD'],
        createdById: [null, a.admin.id],
      });
      for (const derived of [...NEVER_RECORDED, 'score', 'emailKey', 'phoneKey', 'nameKey', 'phone', 'deletedAt'])
        expect(Object.keys(created)).not.toContain(derived);
      // UPDATE: only what changed.
      // scoreValue was the computed score (WEBSITE 10, MEDIUM 3, email 3, full name 3); writing it overrides that.
      // Leaving NEW_LEAD is the lead's first response, which the database records (speed-to-lead).
      const answeredAt = [null, expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/)];
      expect(updated).toEqual({
        status: ['NEW_LEAD', 'IN_CONTACT'],
        scoreValue: [19, 80],
        scoreOverride: [false, true],
        firstResponseAt: answeredAt,
      });
      expect(Object.keys(deleted)).toEqual(['deletedAt']);
      expect(deleted.deletedAt[0]).toBeNull();
      expect(Date.parse(String(deleted.deletedAt[1]))).not.toBeNaN();
      expect(restored).toEqual({ deletedAt: [deleted.deletedAt[1], null] });

      // The same history over HTTP, newest first.
      const res = await t.http.get(`/v1/leads/${lead.id}/audit`).set(as(a.admin, a.id)).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.data.map((e: Json) => e.action)).toEqual(['RESTORE', 'SOFT_DELETE', 'UPDATE', 'INSERT']);
      expect(res.body.data[2]).toEqual({
        id: rows[1].id,
        table: 'leads',
        recordId: lead.id,
        action: 'UPDATE',
        changes: {
          status: ['NEW_LEAD', 'IN_CONTACT'],
          scoreValue: [19, 80],
          scoreOverride: [false, true],
          firstResponseAt: answeredAt,
        },
        actor: { userId: a.admin.id, apiKeyId: null },
        requestId: r2,
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      });
    });

    it('records a bulk update and a bulk delete as one row per lead, each with the bulk request id', async () => {
      const leads = await Promise.all([1, 2, 3].map(() => createLead(t.http, a.admin, a.id)));
      const ids = leads.map((l) => l.id).sort();
      const [r1, r2] = [rid(), rid()];
      await post('/v1/leads/bulk', manager, a.id, r1, { action: 'update', ids, data: { tags: ['bulk'] } }).expect(200);
      await post('/v1/leads/bulk', manager, a.id, r2, { action: 'delete', ids }).expect(200);

      const updates = await rowsOfRequest(r1);
      expect(updates.map((r) => r.record_id).sort()).toEqual(ids);
      for (const row of updates)
        expect(row).toMatchObject({ action: 'UPDATE', actor_user_id: manager.id, changes: { tags: [[], ['bulk']] } });
      const deletes = await rowsOfRequest(r2);
      expect(deletes.map((r) => r.record_id).sort()).toEqual(ids);
      for (const row of deletes) expect(row).toMatchObject({ action: 'SOFT_DELETE', actor_user_id: manager.id });
    });

    it("records a conversion: the lead's update, the new contact and the new deal, in one request", async () => {
      const lead = await createLead(t.http, a.admin, a.id, { name: 'Convert Me', email: 'convert@audit.test' });
      const r = rid();
      const res = await post(`/v1/leads/${lead.id}/convert`, a.admin, a.id, r, {
        createDeal: true,
        deal: { title: 'Convert deal', value: '250000.00' },
      }).expect(200);
      const rows = await rowsOfRequest(r);
      expect(rows.every((row) => row.actor_user_id === a.admin.id)).toBe(true);
      const lines = rows.map((row) => [row.table_name, row.action, row.record_id]);
      expect(lines).toEqual(
        expect.arrayContaining([
          ['leads', 'UPDATE', lead.id],
          ['contacts', 'INSERT', res.body.contact.id],
          ['deals', 'INSERT', res.body.deal.id],
        ]),
      );
      const leadUpdate = rows.find((row) => row.table_name === 'leads')!;
      expect(leadUpdate.changes).toMatchObject({
        status: ['NEW_LEAD', 'CONVERTED'],
        convertedContactId: [null, res.body.contact.id],
      });
    });

    it("records a merge: the target's update, the duplicate's soft delete and its moved activity", async () => {
      const target = await createLead(t.http, a.admin, a.id, { name: 'Merge Target', email: 'target@audit.test' });
      const dup = (
        await t.http
          .post('/v1/leads?allowDuplicate=true')
          .set(as(a.admin, a.id))
          .send({ name: 'Merge Dup', email: 'dup@audit.test', phone: '+1 415 555 0199' })
          .expect(201)
      ).body;
      const [activity] = await t.db.admin.query<{ id: string }>(
        "INSERT INTO activities (organization_id, type, title, lead_id) VALUES ($1, 'CALL', 'Call', $2) RETURNING id",
        [a.id, dup.id],
      );
      const r = rid();
      await post(`/v1/leads/${target.id}/merge`, a.admin, a.id, r, { duplicateId: dup.id }).expect(200);
      const rows = await rowsOfRequest(r);
      expect(rows.every((row) => row.actor_user_id === a.admin.id)).toBe(true);
      expect(rows.map((row) => [row.table_name, row.action, row.record_id])).toEqual(
        expect.arrayContaining([
          ['leads', 'UPDATE', target.id],
          ['leads', 'SOFT_DELETE', dup.id],
          ['activities', 'UPDATE', activity.id],
        ]),
      );
      // The moved activity rescores the target first (its own row), then the merge fills its fields.
      expect(rows.filter((row) => row.record_id === target.id).map((row) => row.changes)).toEqual([
        { computedScore: [19, 21], scoreValue: [19, 21] },
        expect.objectContaining({ phone: [null, '+1 415 555 0199'] }),
      ]);
      expect(rows.find((row) => row.record_id === activity.id)!.changes).toEqual({ leadId: [dup.id, target.id] });
    });

    it('records a deal stage change exactly once, for the deal (its stage history row is not audited)', async () => {
      const deal = await createDeal(t.http, a.admin, a.id);
      const r = rid();
      await post(`/v1/deals/${deal.id}/stage`, a.admin, a.id, r, { stage: 'PROPOSAL' }).expect(200);
      const rows = await rowsOfRequest(r);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ table_name: 'deals', action: 'UPDATE', record_id: deal.id });
      expect(rows[0].changes.stage).toEqual(['LEAD', 'PROPOSAL']);
      // Control: the trigger-written stage history did get its row.
      const [{ n }] = await t.db.admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM deal_stage_history WHERE deal_id = $1 AND to_stage = 'PROPOSAL'",
        [deal.id],
      );
      expect(n).toBe(1);
      const [{ history }] = await t.db.admin.query<{ history: number }>(
        `SELECT count(*)::int AS history FROM audit_log WHERE table_name = ANY($1)`,
        [NOT_AUDITED],
      );
      expect(history).toBe(0);
    });

    it('writes nothing for an update that changes only ignored columns, or nothing at all', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      const before = (await rowsOfRecord(lead.id)).length;
      // touch_row bumps updated_at and version: both ignored.
      await t.db.admin.query('UPDATE leads SET updated_at = now() WHERE id = $1', [lead.id]);
      await t.db.admin.query('UPDATE leads SET name = name WHERE id = $1', [lead.id]);
      expect(await rowsOfRecord(lead.id)).toHaveLength(before);
      // Control: a real change is recorded.
      await t.db.admin.query("UPDATE leads SET name = 'Renamed in SQL' WHERE id = $1", [lead.id]);
      const rows = await rowsOfRecord(lead.id);
      expect(rows).toHaveLength(before + 1);
      // A change made in SQL outside a request has no actor and no request.
      expect(rows.at(-1)).toMatchObject({ action: 'UPDATE', actor_user_id: null, request_id: null });
    });

    it('records the key and its creator when an API key acts, and not the key touching its last use', async () => {
      const secret = `bcrm_${randomUUID()}`;
      const [key] = await t.db.admin.query<{ id: string }>(
        `INSERT INTO api_keys (organization_id, name, scopes, role, key_hash, last_four, created_by_id)
         VALUES ($1, 'Zapier', '{leads:write}', 'MANAGER', sha256(convert_to($2, 'UTF8')), right($2, 4), $3)
         RETURNING id`,
        [a.id, secret, a.admin.id],
      );
      const r = rid();
      const sql = t.db.admin;
      await sql.exec('BEGIN');
      try {
        const [principal] = await sql.query<Json>(
          "SELECT * FROM app.begin_key_request(sha256(convert_to($1, 'UTF8')), NULL, $2, true)",
          [secret, r],
        );
        expect(principal).toMatchObject({ key_status: 'ACTIVE', key_id: key.id }); // its last_used_at moved
        await sql.query("INSERT INTO leads (organization_id, name, created_by_id) VALUES ($1, 'Via a key', $2)", [
          a.id,
          a.admin.id,
        ]);
        await sql.exec('COMMIT');
      } catch (error) {
        await sql.exec('ROLLBACK');
        throw error;
      }
      const rows = await rowsOfRequest(r);
      expect(rows.map((row) => [row.table_name, row.action])).toEqual([['leads', 'INSERT']]);
      expect(rows[0]).toMatchObject({ actor_user_id: a.admin.id, actor_api_key_id: key.id });
      const [{ used }] = await sql.query<{ used: boolean }>(
        'SELECT last_used_at IS NOT NULL AS used FROM api_keys WHERE id = $1',
        [key.id],
      );
      expect(used).toBe(true);
      expect((await rowsOfRecord(key.id)).map((row) => row.action)).toEqual(['INSERT']);
    });
  });

  describe('over HTTP with an API key', () => {
    const key = async (scopes: string[]) =>
      (await t.http.post('/v1/api-keys').set(as(a.admin, a.id)).send({ name: 'Website', scopes }).expect(201)).body as {
        id: string;
        secret: string;
      };
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

    it("records the key and its creator on the lead's create and update, and the key's own life", async () => {
      const k = await key(['leads:write', 'leads:read', 'audit:read']);
      const created = await t.http
        .post('/v1/leads')
        .set(bearer(k.secret))
        .set('x-request-id', 'audit-key-create')
        .send({ name: 'From the website form' })
        .expect(201);
      await t.http
        .patch(`/v1/leads/${created.body.id}`)
        .set(bearer(k.secret))
        .set('x-request-id', 'audit-key-patch')
        .send({ notes: 'Asked for a showing' })
        .expect(200);
      for (const [requestId, action] of [
        ['audit-key-create', 'INSERT'],
        ['audit-key-patch', 'UPDATE'],
      ]) {
        const rows = await rowsOfRequest(requestId!);
        expect(rows.map((row) => [row.table_name, row.action])).toEqual([['leads', action]]);
        expect(rows[0]).toMatchObject({
          actor_user_id: a.admin.id,
          actor_api_key_id: k.id,
          record_id: created.body.id,
        });
      }
      // The key reads the lead's history with audit:read, and sees itself as the actor.
      const history = await t.http.get(`/v1/leads/${created.body.id}/audit`).set(bearer(k.secret)).expect(200);
      expect(history.body.data.map((e: Json) => [e.action, e.actor.apiKeyId])).toEqual([
        ['UPDATE', k.id],
        ['INSERT', k.id],
      ]);
      // ?keyId= finds what the key did, and only that (the ADMIN's own changes are left out).
      const byKey = await t.http.get(`/v1/audit?keyId=${k.id}`).set(as(a.admin, a.id)).expect(200);
      expect(byKey.body.data.map((e: Json) => [e.recordId, e.actor.apiKeyId])).toEqual([
        [created.body.id, k.id],
        [created.body.id, k.id],
      ]);
      // Revoking the key is itself audited, by the ADMIN (no key), without its hashes.
      await t.http.delete(`/v1/api-keys/${k.id}`).set(as(a.admin, a.id)).set('x-request-id', 'audit-key-revoke');
      const [revoked] = await rowsOfRequest('audit-key-revoke');
      expect(revoked).toMatchObject({ table_name: 'api_keys', action: 'UPDATE', actor_api_key_id: null });
      expect(Object.keys(revoked!.changes)).toEqual(['revokedAt']);
    });

    it('needs audit:read for the history, whatever scopes of the record the key holds', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      const leadsOnly = await key(['leads:read']);
      const denied = await t.http.get(`/v1/leads/${lead.id}/audit`).set(bearer(leadsOnly.secret)).expect(403);
      expect(denied.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', ref: { scope: 'audit:read' } });
      await t.http.get('/v1/audit').set(bearer(leadsOnly.secret)).expect(403);
      const auditor = await key(['audit:read']);
      await t.http.get('/v1/audit').set(bearer(auditor.secret)).expect(200);
      await t.http.get(`/v1/leads/${lead.id}/audit`).set(bearer(auditor.secret)).expect(200);
    });
  });

  describe('what a key and a MANAGER read', () => {
    const newKey = async (body: Json) =>
      (
        await t.http
          .post('/v1/api-keys')
          .set(as(a.admin, a.id))
          .send({ name: 'Reader', ...body })
          .expect(201)
      ).body as { id: string; secret: string };

    it('shows a key below MANAGER only its own changes, not every change of its ADMIN creator', async () => {
      const agentKey = await newKey({ scopes: ['leads:write', 'audit:read'], role: 'AGENT' });
      const own = await t.http
        .post('/v1/leads')
        .set({ authorization: `Bearer ${agentKey.secret}` })
        .send({ name: 'Made by the agent key' })
        .expect(201);
      const creatorsOwn = await createLead(t.http, a.admin, a.id, { name: "The creator's own" });
      const seen = await t.http
        .get('/v1/audit?limit=200')
        .set({ authorization: `Bearer ${agentKey.secret}` })
        .expect(200);
      const records = seen.body.data.map((e: Json) => e.recordId);
      expect(records).toContain(own.body.id);
      expect(records).not.toContain(creatorsOwn.id);
      expect(seen.body.data.every((e: Json) => e.actor.apiKeyId === agentKey.id)).toBe(true);
      // Control: the ADMIN creator sees both.
      const admin = await t.http.get('/v1/audit?limit=200').set(as(a.admin, a.id)).expect(200);
      const adminRecords = admin.body.data.map((e: Json) => e.recordId);
      expect(adminRecords).toEqual(expect.arrayContaining([own.body.id, creatorsOwn.id]));
    });

    it('keeps the history of api_keys to ADMINs: a MANAGER does not see it', async () => {
      const k = await newKey({ scopes: ['leads:read'] });
      const byAdmin = await t.http.get(`/v1/audit?table=api_keys&recordId=${k.id}`).set(as(a.admin, a.id)).expect(200);
      expect(byAdmin.body.data.length).toBeGreaterThan(0);
      const byManager = await t.http
        .get(`/v1/audit?table=api_keys&recordId=${k.id}`)
        .set(as(manager, a.id))
        .expect(200);
      expect(byManager.body.data).toEqual([]);
      // Control: the MANAGER still reads other tables' history.
      const leads = await t.http.get('/v1/audit?table=leads&limit=5').set(as(manager, a.id)).expect(200);
      expect(leads.body.data.length).toBeGreaterThan(0);
    });

    it("keeps a webhook's history (its URL) to ADMINs too", async () => {
      const hook = await t.http
        .post('/v1/webhooks')
        .set(as(a.admin, a.id))
        .send({ url: 'https://hooks.example.com/catch/123/secret-path', events: ['lead.*'] })
        .expect(201);
      const byAdmin = await t.http
        .get(`/v1/audit?table=webhooks&recordId=${hook.body.id}`)
        .set(as(a.admin, a.id))
        .expect(200);
      expect(JSON.stringify(byAdmin.body.data)).toContain('secret-path');
      expect(JSON.stringify(byAdmin.body.data)).not.toContain(hook.body.secret);
      const byManager = await t.http
        .get(`/v1/audit?table=webhooks&recordId=${hook.body.id}`)
        .set(as(manager, a.id))
        .expect(200);
      expect(byManager.body.data).toEqual([]);
    });

    it("finds no key when called inside a transaction that already has a tenant, even an ADMIN's", async () => {
      const k = await newKey({ scopes: ['leads:read'] });
      const sql = t.db.admin;
      const hash = await sql.query<{ h: string }>("SELECT encode(key_hash, 'hex') AS h FROM api_keys WHERE id = $1", [
        k.id,
      ]);
      const [inside] = await asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
        sql.query<Json>("SELECT key_status, org_id FROM app.begin_key_request(decode($1, 'hex'), NULL, 'x')", [
          hash[0]!.h,
        ]),
      );
      expect(inside).toMatchObject({ key_status: 'UNKNOWN', org_id: null });
      // Control: as the first statement of its own transaction, the same call finds the key.
      await sql.exec('BEGIN');
      const [first] = await sql
        .query<Json>("SELECT key_status FROM app.begin_key_request(decode($1, 'hex'), NULL, 'x')", [hash[0]!.h])
        .finally(() => sql.exec('ROLLBACK'));
      expect(first).toMatchObject({ key_status: 'ACTIVE' });
    });
  });

  describe('exclusions: secrets and hashes are never stored', () => {
    it('keeps api_keys hashes and last use out of every row, on insert, rotation and delete', async () => {
      const [key] = await t.db.admin.query<{ id: string; key_hash: string }>(
        `INSERT INTO api_keys (organization_id, name, scopes, role, key_hash, last_four, created_by_id, last_used_at)
         VALUES ($1, 'Website', '{leads:write}', 'AGENT', sha256('k1'), 'ab12', $2, now())
         RETURNING id, encode(key_hash, 'hex') AS key_hash`,
        [a.id, a.admin.id],
      );
      await t.db.admin.query(
        `UPDATE api_keys SET previous_key_hash = key_hash, previous_expires_at = now() + interval '1 hour',
                key_hash = sha256('k2'), last_four = 'cd34' WHERE id = $1`,
        [key.id],
      );
      await t.db.admin.query("UPDATE api_keys SET last_used_at = now() + interval '1 minute' WHERE id = $1", [key.id]);
      await t.db.admin.query('DELETE FROM api_keys WHERE id = $1', [key.id]);

      const rows = await rowsOfRecord(key.id);
      expect(rows.map((r) => r.action)).toEqual(['INSERT', 'UPDATE', 'DELETE']); // last use alone: nothing
      for (const row of rows) {
        for (const field of ['keyHash', 'previousKeyHash', 'lastUsedAt', ...NEVER_RECORDED])
          expect(Object.keys(row.changes)).not.toContain(field);
        expect(JSON.stringify(row.changes)).not.toContain(key.key_hash);
      }
      // Control: the rest is recorded.
      expect(rows[0].changes).toMatchObject({ name: [null, 'Website'], lastFour: [null, 'ab12'] });
      expect(Object.keys(rows[1].changes).sort()).toEqual(['lastFour', 'previousExpiresAt']);
      expect(rows[2].changes).toMatchObject({ name: ['Website', null] });
    });

    it("keeps a ticket share link's token and its hash out of the history", async () => {
      const ticket = await createTicket(t.http, a.admin, a.id);
      const link = (await t.http.post(`/v1/tickets/${ticket.id}/share`).set(as(a.admin, a.id)).send({}).expect(201))
        .body;
      await t.http.delete(`/v1/tickets/${ticket.id}/share/${link.id}`).set(as(a.admin, a.id)).expect(204);
      const [{ token_hash }] = await t.db.admin.query<{ token_hash: string }>(
        'SELECT token_hash FROM ticket_share_links WHERE id = $1',
        [link.id],
      );
      const rows = await rowsOfRecord(link.id);
      expect(rows.map((r) => r.action)).toEqual(['INSERT', 'UPDATE']);
      expect(rows[0].changes).toMatchObject({ ticketId: [null, ticket.id], expiresAt: [null, expect.any(String)] });
      expect(Object.keys(rows[1].changes)).toEqual(['revokedAt']);
      for (const row of rows) {
        expect(Object.keys(row.changes)).not.toContain('tokenHash');
        expect(JSON.stringify(row.changes)).not.toContain(token_hash);
        expect(JSON.stringify(row.changes)).not.toContain(link.token);
      }
    });

    it('catalog: every secret-looking column of an audited table is excluded by its trigger', async () => {
      const columns = await t.db.admin.query<{ table: string; column: string; def: string }>(`
        SELECT c.relname AS table, a.attname AS column, pg_get_triggerdef(g.oid) AS def
        FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE g.tgname = c.relname || '_audit' AND a.attname ~ '(hash|token|secret|password|salt)'`);
      expect(columns.map((c) => `${c.table}.${c.column}`).sort()).toEqual([
        'api_keys.key_hash',
        'api_keys.previous_key_hash',
        'capture_keys.key_hash',
        'invitations.token_hash',
        'ticket_share_links.token_hash',
        'webhooks.previous_secret',
        'webhooks.secret',
      ]);
      for (const c of columns)
        expect({ ...c, excluded: c.def.includes(`'${c.column}'`) }).toMatchObject({ excluded: true });
    });
  });

  describe('the trigger is on exactly the tenant data tables', () => {
    it('is attached to every audited table, and every other table with organization_id is deliberately left out', async () => {
      const rows = await t.db.admin.query<{ table: string; audited: boolean }>(`
        SELECT c.relname AS table,
               EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = c.relname || '_audit'
                         AND g.tgfoid = 'app.audit_row'::regproc) AS audited
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND (c.relname = 'organizations' OR EXISTS (
            SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped))
        ORDER BY 1`);
      expect(rows.filter((r) => r.audited).map((r) => r.table)).toEqual([...AUDITED_TABLES].sort());
      expect(rows.filter((r) => !r.audited).map((r) => r.table)).toEqual(NOT_AUDITED);
    });

    it('names each changed column as its Prisma model (and so the API) names it', async () => {
      const schema = readFileSync('prisma/schema.prisma', 'utf8');
      const fieldOf = new Map<string, string>(); // "table.column" → field
      for (const [, body] of schema.matchAll(/^model \w+ \{([^}]*)\}/gm)) {
        const table = /@@map\("(\w+)"\)/.exec(body)?.[1];
        for (const line of body.split('\n')) {
          const field = /^\s*(\w+)\s+\w+/.exec(line)?.[1];
          const column = /@map\("(\w+)"\)/.exec(line)?.[1] ?? field;
          if (table && field) fieldOf.set(`${table}.${column}`, field);
        }
      }
      const columns = await t.db.admin.query<{ table: string; column: string; name: string }>(
        `SELECT c.relname AS table, a.attname AS column, app.audit_field_name(a.attname) AS name
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.relname = ANY($1) AND c.relkind = 'r'`,
        [[...AUDITED_TABLES]],
      );
      expect(columns.length).toBeGreaterThan(100);
      const mismatched = columns
        .filter((c) => fieldOf.get(`${c.table}.${c.column}`) !== c.name)
        .map((c) => `${c.table}.${c.column}: ${c.name} ≠ ${fieldOf.get(`${c.table}.${c.column}`)}`);
      expect(mismatched).toEqual([]);
    });
  });

  describe('append-only', () => {
    const asAdmin = () => ({ org: a.id, user: a.admin.id, role: 'ADMIN' });

    it('lets crm_app read the history but never insert, update or delete a row', async () => {
      const sql = t.db.admin;
      const [control] = await asApp(sql, asAdmin(), () =>
        sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'),
      );
      expect(control.n).toBeGreaterThan(0);
      for (const statement of [
        "UPDATE audit_log SET action = 'DELETE'",
        'DELETE FROM audit_log',
        `INSERT INTO audit_log (organization_id, table_name, record_id, action, changes)
         VALUES ('${a.id}', 'leads', '${randomUUID()}', 'INSERT', '{}')`,
        'TRUNCATE audit_log',
      ]) {
        await expect(asApp(sql, asAdmin(), () => sql.query(statement))).rejects.toThrow(/permission denied/);
      }
    });
  });

  describe('who reads what', () => {
    it("answers 404 for another organization's record, beside an allowed control, for every resource", async () => {
      const records = {
        leads: await createLead(t.http, a.admin, a.id),
        contacts: await createContact(t.http, a.admin, a.id),
        deals: await createDeal(t.http, a.admin, a.id),
        listings: await createListing(t.http, a.admin, a.id),
        tickets: await createTicket(t.http, a.admin, a.id),
      };
      for (const [resource, record] of Object.entries(records)) {
        const path = `/v1/${resource}/${record.id}/audit`;
        const own = await t.http.get(path).set(as(a.admin, a.id)).expect(200);
        expect(own.body.data).toEqual([expect.objectContaining({ action: 'INSERT', recordId: record.id })]);
        expectError(await t.http.get(path).set(as(b.admin, b.id)), 404, 'NOT_FOUND');
        expectError(await t.http.get(path).set(as(b.admin, a.id)), 403, 'NOT_A_MEMBER');
        expectError(await t.http.get(`/v1/${resource}/${randomUUID()}/audit`).set(as(a.admin, a.id)), 404, 'NOT_FOUND');
      }
    });

    it("shows org B none of org A's entries in /v1/audit, while B sees its own", async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      const fromA = await t.http.get(`/v1/audit?recordId=${lead.id}`).set(as(a.admin, a.id)).expect(200);
      expect(fromA.body.data).toHaveLength(1);
      const fromB = await t.http.get(`/v1/audit?recordId=${lead.id}`).set(as(b.admin, b.id)).expect(200);
      expect(fromB.body.data).toEqual([]);

      const ownB = await createLead(t.http, b.admin, b.id);
      const all = await t.http.get('/v1/audit?limit=200').set(as(b.admin, b.id)).expect(200);
      expect(all.body.data.map((e: Json) => e.recordId)).toContain(ownB.id);
      const [{ ids }] = await t.db.admin.query<{ ids: string[] }>(
        'SELECT array_agg(DISTINCT record_id::text) AS ids FROM audit_log WHERE organization_id = $1',
        [a.id],
      );
      const leaked = all.body.data.filter((e: Json) => ids.includes(e.recordId));
      expect(leaked).toEqual([]);
    });

    it('shows an AGENT only their own changes, and ADMIN and MANAGER everyone\u2019s', async () => {
      const mine = await createLead(t.http, agent, a.id, { name: 'Agent Lead' });
      await t.http.patch(`/v1/leads/${mine.id}`).set(as(a.admin, a.id)).send({ notes: 'by the admin' }).expect(200);

      const byAgent = await t.http.get(`/v1/leads/${mine.id}/audit`).set(as(agent, a.id)).expect(200);
      expect(byAgent.body.data.map((e: Json) => [e.action, e.actor.userId])).toEqual([['INSERT', agent.id]]);
      for (const reader of [a.admin, manager]) {
        const all = await t.http.get(`/v1/leads/${mine.id}/audit`).set(as(reader, a.id)).expect(200);
        expect(all.body.data.map((e: Json) => [e.action, e.actor.userId])).toEqual([
          ['UPDATE', a.admin.id],
          ['INSERT', agent.id],
        ]);
      }

      const feed = await t.http.get('/v1/audit?limit=200').set(as(agent, a.id)).expect(200);
      expect(feed.body.data.length).toBeGreaterThan(0);
      expect(feed.body.data.filter((e: Json) => e.actor.userId !== agent.id)).toEqual([]);
      const othersAsked = await t.http.get(`/v1/audit?actorId=${a.admin.id}`).set(as(agent, a.id)).expect(200);
      expect(othersAsked.body.data).toEqual([]);
      const adminFeed = await t.http.get(`/v1/audit?actorId=${agent.id}`).set(as(a.admin, a.id)).expect(200);
      expect(adminFeed.body.data.map((e: Json) => e.recordId)).toContain(mine.id);

      // The policy itself, in SQL as crm_app: an AGENT's reads never include another's change.
      const sql = t.db.admin;
      const [seen] = await asApp(sql, { org: a.id, user: agent.id, role: 'AGENT' }, () =>
        sql.query<{ own: number; others: number }>(
          `SELECT count(*) FILTER (WHERE actor_user_id = $1)::int AS own,
                  count(*) FILTER (WHERE actor_user_id IS DISTINCT FROM $1)::int AS others FROM audit_log`,
          [agent.id],
        ),
      );
      expect(seen).toMatchObject({ own: expect.any(Number), others: 0 });
      expect(seen.own).toBeGreaterThan(0);
    });

    it("answers an AGENT 404 for a lead they may not see, beside their own lead's 200", async () => {
      const hidden = await createLead(t.http, a.admin, a.id);
      const own = await createLead(t.http, agent, a.id);
      expectError(await t.http.get(`/v1/leads/${hidden.id}/audit`).set(as(agent, a.id)), 404, 'NOT_FOUND');
      await t.http.get(`/v1/leads/${own.id}/audit`).set(as(agent, a.id)).expect(200);
      await t.http.get(`/v1/leads/${hidden.id}/audit`).set(as(a.admin, a.id)).expect(200);
    });
  });

  describe('filters and paging', () => {
    let org: Org;
    let leads: Json[];
    let all: Json[];

    beforeAll(async () => {
      org = await createOrg(t.http, 'Audit Paging');
      leads = [];
      for (let i = 0; i < 5; i++) leads.push(await createLead(t.http, org.admin, org.id, { name: `Paged ${i}` }));
      await t.http.patch(`/v1/leads/${leads[0].id}`).set(as(org.admin, org.id)).send({ notes: 'x' }).expect(200);
      await t.http.patch(`/v1/leads/${leads[1].id}`).set(as(org.admin, org.id)).send({ notes: 'y' }).expect(200);
      await t.http.delete(`/v1/leads/${leads[2].id}`).set(as(org.admin, org.id)).expect(204);
      await createContact(t.http, org.admin, org.id);
      all = (await t.http.get('/v1/audit?limit=200').set(as(org.admin, org.id)).expect(200)).body.data;
    });

    const get = (query: string) => t.http.get(`/v1/audit?${query}`).set(as(org.admin, org.id));

    it('lists the organization newest first: its creation, its founder, then every change', () => {
      // organizations + memberships (created with the organization), 5 leads, 2 updates, 1 delete, 1 contact.
      expect(all).toHaveLength(11);
      const ids = all.map((e) => BigInt(e.id));
      expect(ids).toEqual([...ids].sort((x, y) => (x > y ? -1 : 1)));
      expect(all.at(-1)).toMatchObject({ table: 'organizations', action: 'INSERT', recordId: org.id });
      expect(all.at(-2)).toMatchObject({ table: 'memberships', action: 'INSERT', recordId: org.admin.id });
    });

    it('pages with limit and nextCursor, with no gaps or repeats, and null at the end', async () => {
      const seen: Json[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Json = (await get(`limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
        expect(page.data.length).toBeLessThanOrEqual(3);
        seen.push(...page.data);
        cursor = page.nextCursor;
        if (++pages > 10) throw new Error('the cursor does not advance');
      } while (cursor);
      expect(pages).toBe(4);
      expect(seen).toEqual(all);
      // A record's history pages the same way.
      const first = (await t.http.get(`/v1/leads/${leads[0].id}/audit?limit=1`).set(as(org.admin, org.id)).expect(200))
        .body;
      expect(first.data.map((e: Json) => e.action)).toEqual(['UPDATE']);
      const second = (
        await t.http
          .get(`/v1/leads/${leads[0].id}/audit?limit=1&cursor=${first.nextCursor}`)
          .set(as(org.admin, org.id))
          .expect(200)
      ).body;
      expect(second).toMatchObject({ data: [{ action: 'INSERT' }], nextCursor: null });
    });

    it('filters by table, record, person, action and time, combined with AND', async () => {
      const count = async (query: string) => {
        const res = await get(`limit=200&${query}`);
        expect({ query, status: res.status, body: res.status === 200 ? null : res.body }).toMatchObject({
          status: 200,
        });
        return res.body.data.length as number;
      };
      expect(await count('table=leads')).toBe(8);
      expect(await count('table=leads,contacts')).toBe(9);
      expect(await count('table=organizations,memberships')).toBe(2);
      expect(await count(`recordId=${leads[0].id}`)).toBe(2);
      expect(await count(`table=contacts&recordId=${leads[0].id}`)).toBe(0);
      expect(await count(`actorId=${org.admin.id}`)).toBe(11);
      expect(await count(`actorId=${a.admin.id}`)).toBe(0);
      expect(await count('action=SOFT_DELETE')).toBe(1);
      expect(await count('action=UPDATE,SOFT_DELETE&table=leads')).toBe(3);
      // [from, to): from is inclusive, to exclusive.
      const at = all.map((e) => e.at);
      expect(await count(`from=${at[0]}`)).toBe(all.filter((e) => e.at >= at[0]).length);
      expect(await count(`to=${at[0]}`)).toBe(all.filter((e) => e.at < at[0]).length);
      expect(await count(`from=${at.at(-1)}&to=${at[0]}`)).toBe(all.filter((e) => e.at < at[0]).length);
      expect(await count('from=2199-01-01T00:00:00Z')).toBe(0);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=not%20a%20cursor', 'cursor'],
      [`cursor=${Buffer.from('audit:x').toString('base64url')}`, 'cursor'],
      ['table=profiles', 'table'],
      ['table=deal_stage_history', 'table'],
      ['action=CREATE', 'action'],
      ['recordId=42', 'recordId'],
      ['actorId=me', 'actorId'],
      ['from=yesterday', 'from'],
      ['to=2026-11-25T17:00:00', 'to'],
      ['page=2', 'page'],
    ])('refuses %s with a 400 naming the parameter', async (query, field) => {
      const res = await get(query);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: Json) => d.field)).toContain(field);
    });
  });

  describe('retention', () => {
    it('lets an ADMIN set it through PATCH /v1/organizations/{id}, within 365–3650 days, and records the change', async () => {
      const org = await createOrg(t.http, 'Retention');
      const member = await addMember(t.http, org, 'MANAGER');
      expect((await t.http.get(`/v1/organizations/${org.id}`).set(as(org.admin)).expect(200)).body).toMatchObject({
        auditRetentionDays: 730,
      });
      for (const days of [0, 30, 364, 3651, 365.5, '400', null]) {
        const res = await t.http
          .patch(`/v1/organizations/${org.id}`)
          .set(as(org.admin))
          .send({ auditRetentionDays: days });
        expectError(res, 400, 'VALIDATION_FAILED');
      }
      expectError(
        await t.http.patch(`/v1/organizations/${org.id}`).set(as(member)).send({ auditRetentionDays: 400 }),
        403,
        'FORBIDDEN',
      );
      const r = rid();
      const res = await t.http
        .patch(`/v1/organizations/${org.id}`)
        .set(as(org.admin))
        .set('x-request-id', r)
        .send({ auditRetentionDays: 400 })
        .expect(200);
      expect(res.body).toMatchObject({ name: 'Retention', auditRetentionDays: 400 });
      const rows = await rowsOfRequest(r);
      expect(rows).toEqual([
        expect.objectContaining({
          table_name: 'organizations',
          record_id: org.id,
          action: 'UPDATE',
          changes: { auditRetentionDays: [730, 400] },
          actor_user_id: org.admin.id,
        }),
      ]);
    });

    it("app.purge_audit_log() deletes each organization's rows older than its retention, and says how many", async () => {
      const org = await createOrg(t.http, 'Purge');
      await t.http
        .patch(`/v1/organizations/${org.id}`)
        .set(as(org.admin))
        .send({ auditRetentionDays: 400 })
        .expect(200);
      const sql = t.db.admin;
      const insert = (orgId: string, daysAgo: number) =>
        sql.query<{ id: string }>(
          `INSERT INTO audit_log (organization_id, table_name, record_id, action, changes, created_at)
           VALUES ($1, 'leads', gen_random_uuid(), 'UPDATE', '{}', now() - make_interval(days => $2)) RETURNING id::text`,
          [orgId, daysAgo],
        );
      const expired = [...(await insert(a.id, 731)), ...(await insert(org.id, 401)), ...(await insert(org.id, 402))];
      const kept = [...(await insert(a.id, 729)), ...(await insert(org.id, 399))];
      const alive = async (ids: { id: string }[]) =>
        (
          await sql.query<{ id: string }>('SELECT id::text FROM audit_log WHERE id = ANY($1::bigint[])', [
            ids.map((r) => r.id),
          ])
        ).length;

      // In batches (as crm_app, which the job runner will use), then the rest.
      const [first] = await asApp(sql, {}, () => sql.query<{ n: string }>('SELECT app.purge_audit_log(2)::text AS n'), {
        commit: true,
      });
      expect(first.n).toBe('2');
      const [rest] = await sql.query<{ n: string }>('SELECT app.purge_audit_log()::text AS n');
      expect(rest.n).toBe('1');
      expect(await alive(expired)).toBe(0);
      expect(await alive(kept)).toBe(2);
      const [again] = await sql.query<{ n: string }>('SELECT app.purge_audit_log()::text AS n');
      expect(again.n).toBe('0');
    });
  });
});
