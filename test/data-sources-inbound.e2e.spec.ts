import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { addMember, as, type User, twoOrganizations } from './helpers/fixtures.js';

/** A portal's request: the exact body and its Standard Webhooks headers. */
function signed(secret: string, payload: unknown, at = new Date()): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload);
  const id = `msg_${randomUUID()}`;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, body),
    },
  };
}

describe('WEBHOOK data sources: signed inbound leads', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let source: { id: string; secret: string; inboundPath: string };

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    const res = await t.http
      .post('/v1/data-sources')
      .set(as(manager, a.id))
      .send({
        name: 'Portal webhook',
        type: 'WEBHOOK',
        settings: {
          mapping: { 'person.name': 'name', 'person.email': 'email', message: 'notes' },
          duplicatePolicy: 'update',
        },
      })
      .expect(201);
    source = res.body;
  });

  const post = (path: string, req: { body: string; headers: Record<string, string> }) => {
    let r = t.http.post(path);
    for (const [k, v] of Object.entries(req.headers)) r = r.set(k, v);
    return r.send(req.body);
  };
  const leadsNamed = async (q: string) =>
    (
      await t.http
        .get(`/v1/leads?q=${encodeURIComponent(q)}`)
        .set(as(a.admin, a.id))
        .expect(200)
    ).body.data;

  it('shows the secret once, then never; the stored credentials are not the secret', async () => {
    expect(source.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(source.inboundPath).toBe(`/v1/inbound/${source.id}`);
    const again = await t.http.get(`/v1/data-sources/${source.id}`).set(as(manager, a.id)).expect(200);
    expect(again.body).toMatchObject({ hasCredentials: true });
    expect(JSON.stringify(again.body)).not.toContain(source.secret.slice(6, 30));
    const [raw] = await t.db.admin.query<{ credentials: Uint8Array }>(
      'SELECT credentials FROM data_sources WHERE id = $1',
      [source.id],
    );
    expect(Buffer.from(raw.credentials).toString('latin1')).not.toContain(source.secret.slice(6, 30));
  });

  it('creates a lead from a correctly signed post, and de-duplicates by the leads match keys', async () => {
    const first = await post(
      source.inboundPath,
      signed(source.secret, { person: { name: 'Webhook Wanda', email: 'wanda@portal.example' }, message: 'Tour?' }),
    ).expect(200);
    expect(first.body).toEqual({ result: 'created' });
    expect(await leadsNamed('Webhook Wanda')).toEqual([
      expect.objectContaining({ email: 'wanda@portal.example', notes: 'Tour?' }),
    ]);
    const second = await post(
      source.inboundPath,
      signed(source.secret, { person: { name: 'Webhook Wanda', email: 'WANDA@portal.example' }, message: 'Again' }),
    ).expect(200);
    expect(second.body).toEqual({ result: 'updated' });
    expect(await leadsNamed('Webhook Wanda')).toEqual([expect.objectContaining({ notes: 'Again' })]);
    const metrics = await t.http.get(`/v1/data-sources/${source.id}`).set(as(manager, a.id)).expect(200);
    expect(metrics.body.metrics).toMatchObject({ rowsImported: 2, lastRunAt: expect.any(String) });
  });

  it('refuses a bad signature, another secret, an old timestamp, a changed body and an unknown source alike (401)', async () => {
    const good = signed(source.secret, { person: { name: 'Mallory', email: 'm@example.com' } });
    await post(source.inboundPath, { ...good, headers: { ...good.headers, 'webhook-signature': 'v1,AAAA' } }).expect(
      401,
    );
    await post(
      source.inboundPath,
      signed(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, { person: { name: 'Mallory' } }),
    ).expect(401);
    await post(
      source.inboundPath,
      signed(source.secret, { person: { name: 'Mallory' } }, new Date(Date.now() - 10 * 60_000)),
    ).expect(401);
    await post(source.inboundPath, { ...good, body: good.body.replace('Mallory', 'Mallorx') }).expect(401);
    const unknown = await post(`/v1/inbound/${randomUUID()}`, good).expect(401);
    expect(unknown.body.code).toBe('UNAUTHORIZED');
    expect(await leadsNamed('Mallor')).toEqual([]);
  });

  it('answers 400 with details for a record the target refuses', async () => {
    const res = await post(
      source.inboundPath,
      signed(source.secret, { person: { email: 'no-name@example.com' } }),
    ).expect(400);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'name' })]);
  });

  it("writes into the source's organization only; the other organization's members never see the lead", async () => {
    await post(
      source.inboundPath,
      signed(source.secret, { person: { name: 'Tenant Tess', email: 'tess@portal.example' } }),
    ).expect(200);
    const inB = await t.http.get('/v1/leads?q=Tenant%20Tess').set(as(b.admin, b.id)).expect(200);
    expect(inB.body.data).toEqual([]);
    expect(await leadsNamed('Tenant Tess')).toHaveLength(1);
    await t.http.get(`/v1/data-sources/${source.id}`).set(as(b.admin, b.id)).expect(404);
  });
});
