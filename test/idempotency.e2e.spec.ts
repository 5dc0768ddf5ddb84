// Issue 12, item 10: Idempotency-Key on POST, with Stripe's semantics.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { usingPostgres } from './helpers/database.js';
import { as, signup, type User, twoOrganizations } from './helpers/fixtures.js';
import { asApp } from './helpers/sql-as-app.js';

describe('idempotency keys', () => {
  const { t, a, b } = twoOrganizations();

  const createLead = (user: User, key: string, body: object, orgId?: string) =>
    t.http.post('/v1/leads').set(as(user, orgId)).set('idempotency-key', key).send(body);
  const leadsNamed = async (name: string) =>
    (await t.db.admin.query<{ id: string }>('SELECT id FROM leads WHERE name = $1', [name])).map((r) => r.id);

  it('replays the first response for the same key and body, writing nothing the second time', async () => {
    const key = randomUUID();
    const body = { name: `Replay ${key}`, email: `${key}@example.test` };
    const first = await createLead(a.admin, key, body).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await createLead(a.admin, key, body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await leadsNamed(body.name)).toEqual([first.body.id]);
    // Control: without a key, the same body is a new request (here a duplicate, refused).
    await t.http.post('/v1/leads').set(as(a.admin)).send(body).expect(409);
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED, and writes nothing', async () => {
    const key = randomUUID();
    await createLead(a.admin, key, { name: `First ${key}` }).expect(201);
    const reused = await createLead(a.admin, key, { name: `Second ${key}` }).expect(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', statusCode: 422 });
    expect(await leadsNamed(`Second ${key}`)).toEqual([]);
  });

  it('scopes keys to the user and to the organization named', async () => {
    const key = randomUUID();
    const mine = await createLead(a.admin, key, { name: `Scoped ${key}` }).expect(201);
    const theirs = await createLead(b.admin, key, { name: `Scoped ${key}` }).expect(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    // The same user naming the organization explicitly is another scope too.
    const named = await createLead(a.admin, key, { name: `Scoped ${key}` }, a.id);
    expect(named.status).toBe(201);
    expect(named.headers['idempotent-replayed']).toBeUndefined();
    // Nobody reads another user's keys, even in SQL as the runtime role.
    const visible = await asApp(t.db.admin, { org: b.id, user: b.admin.id, role: 'ADMIN' }, () =>
      t.db.admin.query<{ user_id: string }>('SELECT user_id FROM idempotency_keys WHERE key = $1', [key]),
    );
    expect(visible).toEqual([{ user_id: b.admin.id }]);
    // Control: the owner (superuser) sees all three scopes.
    expect(await t.db.admin.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).toHaveLength(3);
  });

  it('replays a business refusal too (the route ran and decided), but frees the key after a validation error', async () => {
    const email = `dup-${randomUUID()}@example.test`;
    await t.http.post('/v1/leads').set(as(a.admin)).send({ name: 'Original', email }).expect(201);
    const key = randomUUID();
    const refused = await createLead(a.admin, key, { name: 'Dup', email }).expect(409);
    expect(refused.body.code).toBe('DUPLICATE_LEAD');
    const replayed = await createLead(a.admin, key, { name: 'Dup', email }).expect(409);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(refused.body);

    const fresh = randomUUID();
    await createLead(a.admin, fresh, { name: '' }).expect(400);
    // The key was given back: a corrected request may use it.
    await createLead(a.admin, fresh, { name: `Fixed ${fresh}` }).expect(201);
  });

  it('makes actions safe to retry: converting twice with one key creates one contact', async () => {
    const lead = await createLead(a.admin, randomUUID(), { name: `Convert ${randomUUID()}` }).expect(201);
    const key = randomUUID();
    const convert = () =>
      t.http.post(`/v1/leads/${lead.body.id}/convert`).set(as(a.admin)).set('idempotency-key', key).send({});
    const first = await convert().expect(200);
    const again = await convert().expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.contact.id).toBe(first.body.contact.id);
    const contacts = await t.db.admin.query('SELECT 1 FROM contacts WHERE source_lead_id = $1', [lead.body.id]);
    expect(contacts).toHaveLength(1);
  });

  it('answers a key used by a request still running with 409 IDEMPOTENCY_KEY_IN_USE', async () => {
    const key = randomUUID();
    const body = { name: `Concurrent ${key}` };
    if (!usingPostgres()) {
      // The embedded database runs one transaction at a time, so the second request only
      // starts once the first has committed, and replays it: still exactly one lead.
      const results = await Promise.all([createLead(a.admin, key, body), createLead(a.admin, key, body)]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 201]);
      expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(1);
      expect(await leadsNamed(body.name)).toHaveLength(1);
      return;
    }
    // Postgres: hold the first request inside its transaction (a table lock it waits on),
    // send the second, then let the first finish.
    const blocker = await t.db.openSession();
    await blocker.exec('BEGIN; LOCK TABLE leads IN SHARE ROW EXCLUSIVE MODE');
    const first = createLead(a.admin, key, body).then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await createLead(a.admin, key, body);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    // When to try again: by then the first request has ended, or its claim has lapsed.
    const retryAfter = Number(second.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(t.config.database.txTimeoutMs / 1000) + 30);
    await blocker.exec('COMMIT');
    await blocker.close();
    expect((await first).status).toBe(201);
    const third = await createLead(a.admin, key, body).expect(201);
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(await leadsNamed(body.name)).toHaveLength(1);
  });

  it('forgets keys after 24 hours: an expired key is purged and may be used again', async () => {
    const user = await signup(t.http);
    const org = await t.http.post('/v1/organizations').set(as(user)).send({ name: 'Expiry' }).expect(201);
    const key = randomUUID();
    const body = { name: `Expiring ${key}` };
    const first = await createLead(user, key, body, org.body.id).expect(201);
    await t.db.admin.query("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1", [
      key,
    ]);
    // The housekeeping function deletes expired keys of every user, as the runtime role.
    await t.db.admin.exec("BEGIN; SELECT set_config('role', 'crm_app', true)");
    const [{ purged }] = await t.db.admin.query<{ purged: number }>('SELECT app.purge_idempotency_keys() AS purged');
    await t.db.admin.exec('COMMIT');
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await t.db.admin.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).toHaveLength(0);
    // The same key is a new request now: the lead is created again (a second one).
    const second = await createLead(user, key, { ...body, name: `${body.name} again` }, org.body.id).expect(201);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('validates the key', async () => {
    const res = await createLead(a.admin, 'x'.repeat(256), { name: 'Too long key' }).expect(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key', code: 'INVALID_FORMAT' })]);
    expect(await leadsNamed('Too long key')).toEqual([]);
  });
});
