import { describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { addMember, as, createLead, type Org, twoOrganizations, type User } from './helpers/fixtures.js';

async function captureKey(
  http: TestAgent,
  org: Org,
  body: Record<string, unknown> = {},
): Promise<{ id: string; key: string }> {
  const res = await http
    .post('/v1/capture-keys')
    .set(as(org.admin, org.id))
    .send({ name: 'Website', allowedOrigins: ['https://www.brokerage.example'], ...body })
    .expect(201);
  return { id: res.body.id, key: res.body.secret };
}

async function apiKey(http: TestAgent, org: Org, scopes: string[]): Promise<string> {
  const res = await http.post('/v1/api-keys').set(as(org.admin, org.id)).send({ name: 'Portal', scopes }).expect(201);
  return res.body.secret;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function leadsOf(http: TestAgent, user: User, org: Org, q: string): Promise<any[]> {
  const res = await http.get('/v1/leads').query({ q }).set(as(user, org.id)).expect(200);
  return res.body.data;
}

async function activitiesOf(http: TestAgent, org: Org, leadId: string): Promise<any[]> {
  const res = await http.get('/v1/activities').query({ leadId }).set(as(org.admin, org.id)).expect(200);
  return res.body.data;
}

/** Every header but the ones that differ per request by nature. */
const headerNames = (headers: Record<string, unknown>): string[] =>
  Object.keys(headers)
    .filter((h) => !['date', 'x-request-id'].includes(h))
    .sort();

describe('public capture', () => {
  const { t, a, b } = twoOrganizations();

  it('a form posts with the capture key: 202, one lead in its organization, none in another', async () => {
    const { key } = await captureKey(t.http, a);
    const res = await t.http
      .post('/v1/capture/leads')
      .set(bearer(key))
      .send({ name: 'Ana Form', email: 'ana.form@example.test', message: 'Still available?', consent: true })
      .expect(202);
    expect(res.body).toEqual({ accepted: true, requestId: res.headers['x-request-id'] });
    const [lead] = await leadsOf(t.http, a.admin, a, 'ana.form@example.test');
    expect(lead).toMatchObject({ name: 'Ana Form', source: 'WEBSITE', assignedToId: null });
    expect(await leadsOf(t.http, b.admin, b, 'ana.form@example.test')).toEqual([]);
    const [activity] = await activitiesOf(t.http, a, lead.id);
    expect(activity.title).toBe('Form Submission');
    expect(activity.description).toContain('Still available?');
    expect(activity.description).toContain('Consent to be contacted: yes');
  });

  it('de-duplicates on email in any case and phone in any format, with leads made by the API too', async () => {
    const { key } = await captureKey(t.http, a);
    const made = await createLead(t.http, a.admin, a.id, {
      name: 'Dee Dup',
      email: 'dee.dup@example.test',
      phone: '415-555-0101',
    });
    await t.http.post('/v1/capture/leads').set(bearer(key)).send({ email: 'DEE.Dup@Example.TEST' }).expect(202);
    await t.http
      .post('/v1/capture/events')
      .set(bearer(key))
      .send({ type: 'Showing Request', person: { name: 'Dee', phones: [{ value: '(415) 555 0101' }] } })
      .expect(202);
    const found = await leadsOf(t.http, a.admin, a, 'dee');
    expect(found.map((l) => l.id)).toEqual([made.id]);
    const titles = (await activitiesOf(t.http, a, made.id)).map((x) => x.title).sort();
    expect(titles).toEqual(['Form Submission', 'Showing Request']);
    // A capture first, then the API: the API sees the captured lead as a duplicate.
    await t.http.post('/v1/capture/leads').set(bearer(key)).send({ email: 'first.captured@example.test' }).expect(202);
    const dup = await t.http
      .post('/v1/leads')
      .set(as(a.admin, a.id))
      .send({ name: 'Again', email: 'First.Captured@example.test' })
      .expect(409);
    expect(dup.body.code).toBe('DUPLICATE_LEAD');
  });

  it("attributes the campaign from utm_campaign (any case), else the key's default campaign", async () => {
    const insert = (name: string, utm: string | null, channel: string) =>
      t.db.admin.query<{ id: string }>(
        `INSERT INTO campaigns (organization_id, name, status, channel, utm_campaign)
         VALUES ($1, $2, 'ACTIVE', $3, $4) RETURNING id`,
        [a.id, name, channel, utm],
      );
    const [spring] = await insert('Spring open house', 'Spring-Open-House', 'GOOGLE_ADS');
    const [fallback] = await insert('Website evergreen', null, 'WEBSITE');
    const { key } = await captureKey(t.http, a, { campaignId: fallback!.id });
    await t.http
      .post('/v1/capture/leads')
      .set(bearer(key))
      .send({ email: 'utm.lead@example.test', utmCampaign: 'spring-open-house', utmSource: 'google' })
      .expect(202);
    await t.http.post('/v1/capture/leads').set(bearer(key)).send({ email: 'plain.lead@example.test' }).expect(202);
    await t.http
      .post('/v1/capture/leads')
      .set(bearer(key))
      .send({ email: 'unknown.utm@example.test', utmCampaign: 'no-such-campaign' })
      .expect(202);
    const rows = await t.db.admin.query<{ email: string; campaign_id: string; source: string }>(
      `SELECT email, campaign_id, source::text FROM leads WHERE organization_id = $1 AND email = ANY($2) ORDER BY email`,
      [a.id, ['utm.lead@example.test', 'plain.lead@example.test', 'unknown.utm@example.test']],
    );
    expect(rows).toEqual([
      { email: 'plain.lead@example.test', campaign_id: fallback!.id, source: 'WEBSITE' },
      { email: 'unknown.utm@example.test', campaign_id: fallback!.id, source: 'WEBSITE' },
      { email: 'utm.lead@example.test', campaign_id: spring!.id, source: 'GOOGLE_ADS' },
    ]);
    // Org B's campaign with the same utm_campaign is never A's.
    await t.db.admin.query(
      `INSERT INTO campaigns (organization_id, name, status, channel, utm_campaign) VALUES ($1, 'B', 'ACTIVE', 'EVENT', 'b-only')`,
      [b.id],
    );
    await t.http
      .post('/v1/capture/leads')
      .set(bearer(key))
      .send({ email: 'b.utm@example.test', utmCampaign: 'b-only' })
      .expect(202);
    const [bUtm] = await t.db.admin.query<{ campaign_id: string }>(
      `SELECT campaign_id FROM leads WHERE organization_id = $1 AND email = 'b.utm@example.test'`,
      [a.id],
    );
    expect(bUtm?.campaign_id).toBe(fallback!.id);
  });

  it('emits lead.created, lead.updated when a known lead gains a detail, and activity.created for each capture', async () => {
    const { key } = await captureKey(t.http, a);
    const events = async (after = '0') =>
      (await t.http.get(`/v1/events?after=${after}&limit=500`).set(as(a.admin, a.id)).expect(200)).body.data as {
        id: string;
        type: string;
        data: { id: string; fields?: string[] };
      }[];
    const before = (await events()).at(-1)?.id ?? '0';
    await t.http.post('/v1/capture/leads').set(bearer(key)).send({ email: 'outbox.person@example.test' }).expect(202);
    await t.http.post('/v1/capture/leads').set(bearer(key)).send({ email: 'Outbox.Person@example.test' }).expect(202);
    await t.http
      .post('/v1/capture/leads')
      .set(bearer(key))
      .send({ email: 'outbox.person@example.test', phone: '415 555 0199' })
      .expect(202);
    const [lead] = await leadsOf(t.http, a.admin, a, 'outbox.person');
    expect(lead.phone).toBe('415 555 0199');
    const activityIds = new Set((await activitiesOf(t.http, a, lead.id)).map((x) => x.id));
    expect(activityIds.size).toBe(3);
    const after = await events(before);
    // Nothing new the second time: no lead.updated of the capture's own; every capture is an
    // activity.created. Each activity is engagement, so the database rescoring the lead
    // (docs/lead-scoring.md) is a lead.updated naming only score fields.
    const SCORE_FIELDS = ['computedScore', 'scoreValue', 'score'];
    const ofLead = after.filter((e) => e.data.id === lead.id);
    const rescores = ofLead.filter(
      (e) => e.type === 'lead.updated' && e.data.fields!.every((f) => SCORE_FIELDS.includes(f)),
    );
    expect(ofLead.filter((e) => !rescores.includes(e)).map((e) => [e.type, e.data.fields])).toEqual([
      ['lead.created', []],
      ['lead.updated', expect.arrayContaining(['phone'])],
    ]);
    expect(after.filter((e) => e.type === 'activity.created' && activityIds.has(e.data.id))).toHaveLength(3);
  });

  it("links the event's activity to the organization's live listing by MLS number or id, never another's", async () => {
    const listing = async (org: Org, mls: string) =>
      (
        await t.db.admin.query<{ id: string }>(
          `INSERT INTO listings (organization_id, title, address, city, state, zip_code, price, mls_number)
           VALUES ($1, 'Noe house', '123 Noe St', 'San Francisco', 'CA', '94114', 1500000, $2) RETURNING id`,
          [org.id, mls],
        )
      )[0]!.id;
    const mine = await listing(a, 'MLS-A-1');
    const theirs = await listing(b, 'MLS-B-1');
    const { key } = await captureKey(t.http, a);
    const send = (email: string, property: Record<string, string>) =>
      t.http
        .post('/v1/capture/events')
        .set(bearer(key))
        .send({ type: 'Showing Request', person: { emails: [{ value: email }] }, property })
        .expect(202);
    await send('listing.mls@example.test', { mlsNumber: 'MLS-A-1' });
    await send('listing.id@example.test', { listingId: mine });
    await send('listing.other@example.test', { listingId: theirs });
    await send('listing.other.mls@example.test', { mlsNumber: 'MLS-B-1' });
    const linked = async (email: string) => {
      const [lead] = await leadsOf(t.http, a.admin, a, email);
      return (await activitiesOf(t.http, a, lead.id))[0].listingId;
    };
    expect(await linked('listing.mls@example.test')).toBe(mine);
    expect(await linked('listing.id@example.test')).toBe(mine);
    expect(await linked('listing.other@example.test')).toBeNull();
    expect(await linked('listing.other.mls@example.test')).toBeNull();
  });

  it('answers a new and a known person alike: same status, body shape and headers', async () => {
    const { key } = await captureKey(t.http, a);
    await createLead(t.http, a.admin, a.id, { name: 'Known', email: 'known.person@example.test' });
    const send = (email: string) =>
      t.http.post('/v1/capture/leads').set(bearer(key)).send({ name: 'Visitor', email }).expect(202);
    const known = await send('known.person@example.test');
    const fresh = await send('never.seen@example.test');
    expect(known.status).toBe(fresh.status);
    expect(Object.keys(known.body).sort()).toEqual(Object.keys(fresh.body).sort());
    expect(known.body.accepted).toBe(fresh.body.accepted);
    expect(headerNames(known.headers)).toEqual(headerNames(fresh.headers));
    expect(known.headers['content-length']).toBe(fresh.headers['content-length']);
  });

  it('a filled honeypot answers 202 and writes nothing', async () => {
    const { key } = await captureKey(t.http, a);
    const res = await t.http
      .post('/v1/capture/leads')
      .set(bearer(key))
      .send({ email: 'bot.honey@example.test', website: 'http://spam.example' })
      .expect(202);
    expect(res.body.accepted).toBe(true);
    expect(await leadsOf(t.http, a.admin, a, 'bot.honey')).toEqual([]);
  });

  it('replays an Idempotency-Key: the first answer again, written once', async () => {
    const { key } = await captureKey(t.http, a);
    const body = { name: 'Ida Empotent', email: 'ida.empotent@example.test' };
    const first = await t.http
      .post('/v1/capture/leads')
      .set({ ...bearer(key), 'idempotency-key': 'form-1' })
      .send(body)
      .expect(202);
    const again = await t.http
      .post('/v1/capture/leads')
      .set({ ...bearer(key), 'idempotency-key': 'form-1' })
      .send(body)
      .expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const [lead] = await leadsOf(t.http, a.admin, a, 'ida.empotent');
    expect(await activitiesOf(t.http, a, lead.id)).toHaveLength(1);
    const reused = await t.http
      .post('/v1/capture/leads')
      .set({ ...bearer(key), 'idempotency-key': 'form-1' })
      .send({ ...body, message: 'other' })
      .expect(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses missing, unknown, disabled and revoked keys with 401 codes', async () => {
    const send = (headers: Record<string, string>) =>
      t.http.post('/v1/capture/leads').set(headers).send({ email: 'k@example.test' });
    expect((await send({}).expect(401)).body.code).toBe('UNAUTHORIZED');
    expect((await send(bearer('bcrm_pk_short')).expect(401)).body.code).toBe('CAPTURE_KEY_INVALID');
    expect((await send(bearer(`bcrm_pk_${'A'.repeat(43)}`)).expect(401)).body.code).toBe('CAPTURE_KEY_INVALID');
    expect((await send(as(a.admin, a.id)).expect(401)).body.code).toBe('UNAUTHORIZED');
    const { id, key } = await captureKey(t.http, a);
    await send(bearer(key)).expect(202);
    await t.http.patch(`/v1/capture-keys/${id}`).set(as(a.admin, a.id)).send({ enabled: false }).expect(200);
    expect((await send(bearer(key)).expect(401)).body.code).toBe('CAPTURE_KEY_DISABLED');
    await t.http.patch(`/v1/capture-keys/${id}`).set(as(a.admin, a.id)).send({ enabled: true }).expect(200);
    await send(bearer(key)).expect(202);
    await t.http.delete(`/v1/capture-keys/${id}`).set(as(a.admin, a.id)).expect(200);
    expect((await send(bearer(key)).expect(401)).body.code).toBe('CAPTURE_KEY_REVOKED');
  });

  it('answers browsers only from the key’s origins; preflights name POST', async () => {
    const { key } = await captureKey(t.http, a);
    const preflight = await t.http
      .options('/v1/capture/leads')
      .set({ origin: 'https://www.brokerage.example', 'access-control-request-method': 'POST' })
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://www.brokerage.example');
    expect(preflight.headers['access-control-allow-methods']).toBe('POST');
    const allowed = await t.http
      .post('/v1/capture/leads')
      .set({ ...bearer(key), origin: 'https://www.brokerage.example' })
      .send({ email: 'origin.ok@example.test' })
      .expect(202);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://www.brokerage.example');
    const refused = await t.http
      .post('/v1/capture/leads')
      .set({ ...bearer(key), origin: 'https://evil.example' })
      .send({ email: 'origin.refused@example.test' })
      .expect(403);
    expect(refused.body.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(await leadsOf(t.http, a.admin, a, 'origin.refused')).toEqual([]);
    // Server-to-server: no Origin at all.
    await t.http.post('/v1/capture/leads').set(bearer(key)).send({ email: 'server@example.test' }).expect(202);
  });

  it('limits each key per visitor to its rateLimitPerMinute: 429 with Retry-After', async () => {
    const { key } = await captureKey(t.http, a, { rateLimitPerMinute: 2 });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<TestAgent['post']>> | undefined;
    // The first request finds the key (counted on the public per-IP budget); then the key's own budget applies.
    for (let i = 0; i < 4; i++) {
      last = await t.http
        .post('/v1/capture/leads')
        .set(bearer(key))
        .send({ email: `limit.${i}@example.test` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(last?.body.code).toBe('RATE_LIMITED');
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(last?.headers['ratelimit-limit']).toBe('2');
  });

  it('a capture key reaches nothing but capture', async () => {
    const { key } = await captureKey(t.http, a);
    await t.http.get('/v1/leads').set(bearer(key)).expect(401);
    await t.http.post('/v1/leads').set(bearer(key)).send({ name: 'x' }).expect(401);
    await t.http.get('/v1/capture-keys').set(bearer(key)).expect(401);
  });

  it('an API key with leads:write captures server-to-server; without it, 403 INSUFFICIENT_SCOPE', async () => {
    const writer = await apiKey(t.http, a, ['leads:write', 'leads:read']);
    await t.http
      .post('/v1/capture/events')
      .set(bearer(writer))
      .send({
        type: 'Property Inquiry',
        source: 'portal.example',
        person: { firstName: 'Pat', lastName: 'Portal', emails: [{ value: 'pat.portal@example.test' }] },
        property: { mlsNumber: 'SF1', address: '1 Main St' },
        message: 'Tour please',
      })
      .expect(202);
    const [lead] = await leadsOf(t.http, a.admin, a, 'pat.portal');
    expect(lead.name).toBe('Pat Portal');
    const [activity] = await activitiesOf(t.http, a, lead.id);
    expect(activity.title).toBe('Property Inquiry from portal.example');
    expect(activity.description).toContain('Property: 1 Main St');
    const reader = await apiKey(t.http, a, ['leads:read']);
    const res = await t.http
      .post('/v1/capture/events')
      .set(bearer(reader))
      .send({ type: 'Registration', person: { emails: [{ value: 'r@example.test' }] } })
      .expect(403);
    expect(res.body.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('bad input is a documented 400', async () => {
    const { key } = await captureKey(t.http, a);
    const cases: Record<string, unknown>[] = [
      { name: 'No way to reach me' },
      { email: 'not-an-email' },
      { email: 'x@example.test', unknown: 1 },
      { email: 'x@example.test', phone: 'call me' },
    ];
    for (const body of cases) {
      const res = await t.http.post('/v1/capture/leads').set(bearer(key)).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    for (const body of [
      { type: 'Spam', person: { emails: [{ value: 'x@example.test' }] } },
      { type: 'Registration', person: { emails: [{ value: 'nope' }] } },
      { type: 'Registration' },
      { type: 'Registration', person: { name: 'No contact' } },
    ]) {
      const res = await t.http.post('/v1/capture/events').set(bearer(key)).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('assigns by the rule: FIXED notifies the agent; ROUND_ROBIN alternates under parallel captures', async () => {
    const { key } = await captureKey(t.http, a);
    const fixed = await addMember(t.http, a, 'AGENT');
    await t.http
      .put('/v1/settings/lead-routing')
      .set(as(a.admin, a.id))
      .send({ mode: 'FIXED', agentId: fixed.id })
      .expect(200);
    await t.http
      .post('/v1/capture/leads')
      .set(bearer(key))
      .send({ name: 'Fix Ed', email: 'fix.ed@example.test' })
      .expect(202);
    const [lead] = await leadsOf(t.http, fixed, a, 'fix.ed');
    expect(lead.assignedToId).toBe(fixed.id);
    const notes = await t.http.get('/v1/notifications').set(as(fixed, a.id)).expect(200);
    expect(notes.body.data[0]).toMatchObject({ type: 'LEAD_ASSIGNED', data: { leadId: lead.id } });
    // A known person's new event tells their agent too.
    await t.http
      .post('/v1/capture/leads')
      .set(bearer(key))
      .send({ email: 'fix.ed@example.test', message: 'Hi again' })
      .expect(202);
    const later = await t.http.get('/v1/notifications').set(as(fixed, a.id)).expect(200);
    expect(later.body.data[0]).toMatchObject({ type: 'LEAD_CAPTURED', data: { leadId: lead.id } });

    const one = await addMember(t.http, a, 'AGENT');
    const two = await addMember(t.http, a, 'AGENT');
    for (const agent of [one, two]) {
      await t.http.put('/v1/settings/lead-routing/me').set(as(agent, a.id)).send({ optIn: true }).expect(200);
    }
    await t.http.put('/v1/settings/lead-routing').set(as(a.admin, a.id)).send({ mode: 'ROUND_ROBIN' }).expect(200);
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        t.http
          .post('/v1/capture/leads')
          .set(bearer(key))
          .send({ email: `robin.${i}@example.test` })
          .expect(202),
      ),
    );
    const robin = await leadsOf(t.http, a.admin, a, 'robin.');
    expect(robin).toHaveLength(6);
    const count = (id: string) => robin.filter((l) => l.assignedToId === id).length;
    expect([count(one.id), count(two.id)]).toEqual([3, 3]);
    // Turns alternate in creation order: never the same agent twice in a row.
    const inOrder = [...robin].sort((x, y) => x.createdAt.localeCompare(y.createdAt) || 0).map((l) => l.assignedToId);
    for (let i = 1; i < inOrder.length; i++) expect(inOrder[i]).not.toBe(inOrder[i - 1]);
    // Org B's rule is untouched by A's captures.
    expect((await t.http.get('/v1/settings/lead-routing').set(as(b.admin, b.id))).body.mode).toBe('NONE');
  });
});
