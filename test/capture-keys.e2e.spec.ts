import { describe, expect, it } from '@jest/globals';
import { addMember, as, twoOrganizations } from './helpers/fixtures.js';

const KEY = /^bcrm_pk_[A-Za-z0-9_-]{43}$/;

describe('capture keys and lead routing settings', () => {
  const { t, a, b } = twoOrganizations();

  it('an ADMIN creates a key, shown once; lists and reads never show it', async () => {
    const res = await t.http
      .post('/v1/capture-keys')
      .set(as(a.admin, a.id))
      .send({ name: 'Website form', allowedOrigins: ['https://www.a.example', 'http://localhost:3000'] })
      .expect(201);
    expect(res.body.secret).toMatch(KEY);
    expect(res.body).toMatchObject({ rateLimitPerMinute: 30, enabled: true, revokedAt: null, campaignId: null });
    expect(res.body.hint).toBe(`bcrm_pk_…${res.body.secret.slice(-4)}`);
    const one = await t.http.get(`/v1/capture-keys/${res.body.id}`).set(as(a.admin, a.id)).expect(200);
    expect(one.body.secret).toBeUndefined();
    const list = await t.http.get('/v1/capture-keys').set(as(a.admin, a.id)).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(res.body.id);
  });

  it('origins must be exact https origins (http only for localhost); bad input is a 400', async () => {
    for (const origin of [
      'http://www.a.example',
      'https://a.example/path',
      'https://A.example',
      '*',
      'https://a.example:99999x',
    ]) {
      const res = await t.http
        .post('/v1/capture-keys')
        .set(as(a.admin, a.id))
        .send({ name: 'x', allowedOrigins: [origin] })
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    await t.http.post('/v1/capture-keys').set(as(a.admin, a.id)).send({ name: 'x', rateLimitPerMinute: 0 }).expect(400);
    const campaign = await t.http
      .post('/v1/capture-keys')
      .set(as(a.admin, a.id))
      .send({ name: 'x', campaignId: '00000000-0000-4000-8000-000000000000' })
      .expect(422);
    expect(campaign.body.code).toBe('INVALID_REFERENCE');
  });

  it('only ADMINs manage keys; another organization gets 404 beside the allowed control', async () => {
    const manager = await addMember(t.http, a, 'MANAGER');
    const agent = await addMember(t.http, a, 'AGENT');
    await t.http.get('/v1/capture-keys').set(as(manager, a.id)).expect(403);
    await t.http.post('/v1/capture-keys').set(as(agent, a.id)).send({ name: 'x' }).expect(403);
    const key = await t.http.post('/v1/capture-keys').set(as(a.admin, a.id)).send({ name: 'A form' }).expect(201);
    const id = key.body.id as string;
    await t.http.get(`/v1/capture-keys/${id}`).set(as(a.admin, a.id)).expect(200);
    await t.http.get(`/v1/capture-keys/${id}`).set(as(b.admin, b.id)).expect(404);
    await t.http.patch(`/v1/capture-keys/${id}`).set(as(b.admin, b.id)).send({ name: 'mine' }).expect(404);
    await t.http.delete(`/v1/capture-keys/${id}`).set(as(b.admin, b.id)).expect(404);
    const list = await t.http.get('/v1/capture-keys').set(as(b.admin, b.id)).expect(200);
    expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(id);

    const patched = await t.http
      .patch(`/v1/capture-keys/${id}`)
      .set(as(a.admin, a.id))
      .send({ enabled: false, rateLimitPerMinute: 5 })
      .expect(200);
    expect(patched.body).toMatchObject({ enabled: false, rateLimitPerMinute: 5 });
    const revoked = await t.http.delete(`/v1/capture-keys/${id}`).set(as(a.admin, a.id)).expect(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const again = await t.http.delete(`/v1/capture-keys/${id}`).set(as(a.admin, a.id)).expect(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const refused = await t.http.patch(`/v1/capture-keys/${id}`).set(as(a.admin, a.id)).send({ name: 'y' }).expect(422);
    expect(refused.body.code).toBe('BUSINESS_RULE_VIOLATION');
  });

  it("keeps a key's history to ADMINs, without its hash; the routing rule's too", async () => {
    const manager = await addMember(t.http, a, 'MANAGER');
    const key = await t.http
      .post('/v1/capture-keys')
      .set(as(a.admin, a.id))
      .send({ name: 'Audited form', allowedOrigins: ['https://audit.a.example'] })
      .expect(201);
    const path = `/v1/audit?table=capture_keys&recordId=${key.body.id}`;
    const byAdmin = await t.http.get(path).set(as(a.admin, a.id)).expect(200);
    expect(byAdmin.body.data.map((r: { action: string }) => r.action)).toEqual(['INSERT']);
    expect(JSON.stringify(byAdmin.body.data)).toContain('https://audit.a.example');
    expect(Object.keys(byAdmin.body.data[0].changes)).not.toContain('keyHash');
    expect((await t.http.get(path).set(as(manager, a.id)).expect(200)).body.data).toEqual([]);
    expect((await t.http.get(path).set(as(b.admin, b.id)).expect(200)).body.data).toEqual([]);
    // B's rule (A's is tested below from its default).
    await t.http.put('/v1/settings/lead-routing').set(as(b.admin, b.id)).send({ mode: 'NONE' }).expect(200);
    const rule = await t.http.get(`/v1/audit?table=lead_routing&recordId=${b.id}`).set(as(b.admin, b.id)).expect(200);
    expect(rule.body.data[0]).toMatchObject({ action: 'INSERT' });
    expect(
      (await t.http.get(`/v1/audit?table=lead_routing&recordId=${b.id}`).set(as(a.admin, a.id))).body.data,
    ).toEqual([]);
  });

  it('routing: ADMIN writes, MANAGER reads, AGENT neither; agents opt in themselves', async () => {
    const manager = await addMember(t.http, a, 'MANAGER');
    const agent = await addMember(t.http, a, 'AGENT');
    const initial = await t.http.get('/v1/settings/lead-routing').set(as(manager, a.id)).expect(200);
    expect(initial.body).toEqual({ mode: 'NONE', agentId: null, agents: [] });
    await t.http.get('/v1/settings/lead-routing').set(as(agent, a.id)).expect(403);
    await t.http.put('/v1/settings/lead-routing').set(as(manager, a.id)).send({ mode: 'ROUND_ROBIN' }).expect(403);

    const fixed = await t.http
      .put('/v1/settings/lead-routing')
      .set(as(a.admin, a.id))
      .send({ mode: 'FIXED', agentId: agent.id })
      .expect(200);
    expect(fixed.body).toMatchObject({ mode: 'FIXED', agentId: agent.id });
    const missing = await t.http
      .put('/v1/settings/lead-routing')
      .set(as(a.admin, a.id))
      .send({ mode: 'FIXED' })
      .expect(400);
    expect(missing.body.details[0]).toMatchObject({ field: 'agentId', code: 'REQUIRED' });
    await t.http
      .put('/v1/settings/lead-routing')
      .set(as(a.admin, a.id))
      .send({ mode: 'NONE', agentId: agent.id })
      .expect(400);
    await t.http.put('/v1/settings/lead-routing').set(as(a.admin, a.id)).send({ mode: 'SOMETIMES' }).expect(400);
    // Another organization's member is no agent of this one (allowed control above).
    const stranger = await t.http
      .put('/v1/settings/lead-routing')
      .set(as(a.admin, a.id))
      .send({ mode: 'FIXED', agentId: b.admin.id })
      .expect(422);
    expect(stranger.body.code).toBe('INVALID_ASSIGNEE');
    // B's rule is B's own.
    const bRule = await t.http.get('/v1/settings/lead-routing').set(as(b.admin, b.id)).expect(200);
    expect(bRule.body).toMatchObject({ mode: 'NONE', agentId: null });

    const opted = await t.http
      .put('/v1/settings/lead-routing/me')
      .set(as(agent, a.id))
      .send({ optIn: true })
      .expect(200);
    expect(opted.body.optIn).toBe(true);
    await t.http.put('/v1/settings/lead-routing/me').set(as(manager, a.id)).send({ optIn: true }).expect(403);
    const seen = await t.http.get('/v1/settings/lead-routing').set(as(a.admin, a.id)).expect(200);
    expect(seen.body.agents.map((x: { userId: string }) => x.userId)).toEqual([agent.id]);
    expect((await t.http.get('/v1/settings/lead-routing').set(as(b.admin, b.id))).body.agents).toEqual([]);
    await t.http.put('/v1/settings/lead-routing/me').set(as(agent, a.id)).send({ optIn: false }).expect(200);
    const after = await t.http.get('/v1/settings/lead-routing').set(as(a.admin, a.id)).expect(200);
    expect(after.body.agents).toEqual([]);
  });
});
