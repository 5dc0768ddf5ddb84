import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HousekeepingService } from '../src/jobs/housekeeping.service.js';
import { bootApp } from './helpers/app.js';
import { addMember, as, createLead, type Org, twoOrganizations, type User } from './helpers/fixtures.js';
import { asApp } from './helpers/sql-as-app.js';
import { SseClient } from './helpers/sse.js';

interface EventBody {
  id: string;
  type: string;
  data: { entity: string; id: string; fields: string[]; [ref: string]: unknown };
  actor: { userId: string | null; apiKeyId: string | null };
}

describe('Events: the outbox, GET /v1/events and the SSE stream', () => {
  const { t, a, b } = twoOrganizations({ EVENTS_HEARTBEAT_SECONDS: '1' });
  let base = '';
  const streams: SseClient[] = [];

  beforeAll(async () => {
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const s of streams) s.close();
  });

  const open = async (path: string, headers: Record<string, string> = {}): Promise<SseClient> => {
    const s = await SseClient.open(`${base}${path}`, headers);
    streams.push(s);
    return s;
  };
  const bodies = (s: SseClient): EventBody[] => s.messages.map((m) => JSON.parse(m.data!) as EventBody);
  const page = async (user: User, org: Org, query = ''): Promise<{ data: EventBody[]; nextAfter: string }> =>
    (await t.http.get(`/v1/events${query}`).set(as(user, org.id)).expect(200)).body;
  const newest = async (org: Org): Promise<string> => {
    const { data } = await page(org.admin, org, '?limit=500');
    return data.at(-1)?.id ?? '0';
  };
  const since = async (org: Org, after: string, user: User = org.admin): Promise<EventBody[]> =>
    (await page(user, org, `?after=${after}&limit=500`)).data;

  describe('the outbox', () => {
    it('writes one event per change in the transaction of the change, with ids gapless in commit order', async () => {
      const before = await newest(a);
      const lead = await createLead(t.http, a.admin, a.id);
      await t.http
        .patch(`/v1/leads/${lead.id}`)
        .set(as(a.admin, a.id))
        .send({ status: 'IN_CONTACT', notes: 'Called back' })
        .expect(200);
      const events = await since(a, before);
      expect(events.map((e) => e.type)).toEqual(['lead.created', 'lead.updated']);
      expect(events[0]).toMatchObject({
        data: { entity: 'lead', id: lead.id, fields: [] },
        actor: { userId: a.admin.id, apiKeyId: null },
      });
      expect(events[1].data.fields).toEqual(expect.arrayContaining(['status', 'notes']));
      // Never updatedAt or version: every update changes them.
      expect(events[1].data.fields).not.toContain('updatedAt');
      expect(BigInt(events[1].id)).toBe(BigInt(events[0].id) + 1n);
      expect(BigInt(events[0].id)).toBe(BigInt(before) + 1n);
    });

    it('emits nothing for a change that is rolled back, and the next committed one takes the next id', async () => {
      const before = await newest(a);
      await asApp(t.db.admin, { org: a.id, user: a.admin.id, role: 'ADMIN' }, async () => {
        await t.db.admin.query(`INSERT INTO leads (organization_id, name) VALUES ($1, 'Rolled back')`, [a.id]);
      });
      expect(await since(a, before)).toEqual([]);
      const lead = await createLead(t.http, a.admin, a.id);
      const [event] = await since(a, before);
      expect(event).toMatchObject({
        id: (BigInt(before) + 1n).toString(),
        type: 'lead.created',
        data: { id: lead.id },
      });
    });

    it('names the business action: assigned, deleted, restored, merged', async () => {
      const agent = await addMember(t.http, a, 'AGENT');
      const before = await newest(a);
      const lead = await createLead(t.http, a.admin, a.id, { email: 'dup@example.test' });
      await t.http
        .post(`/v1/leads/${lead.id}/assign`)
        .set(as(a.admin, a.id))
        .send({ assignedToId: agent.id })
        .expect(200);
      await t.http.delete(`/v1/leads/${lead.id}`).set(as(a.admin, a.id)).expect(204);
      await t.http.post(`/v1/leads/${lead.id}/restore`).set(as(a.admin, a.id)).expect(200);
      const dup = (
        await t.http
          .post('/v1/leads?allowDuplicate=true')
          .set(as(a.admin, a.id))
          .send({ name: 'Same person', email: 'dup@example.test' })
          .expect(201)
      ).body;
      await t.http.post(`/v1/leads/${lead.id}/merge`).set(as(a.admin, a.id)).send({ duplicateId: dup.id }).expect(200);
      const types = (await since(a, before)).map((e) => `${e.type}:${e.data.id === lead.id ? 'lead' : 'dup'}`);
      expect(types).toEqual(
        expect.arrayContaining([
          'lead.created:lead',
          'lead.assigned:lead',
          'lead.deleted:lead',
          'lead.restored:lead',
          'lead.deleted:dup',
          'lead.merged:lead',
        ]),
      );
      // The assignment notified the agent: an event for them alone.
      const mine = await since(a, before, agent);
      expect(mine.filter((e) => e.type === 'notification.created')).toHaveLength(1);
      expect((await since(a, before)).some((e) => e.type === 'notification.created')).toBe(false);
    });

    it('tells a public ticket comment and never an internal one', async () => {
      const before = await newest(a);
      const ticket = (
        await t.http.post('/v1/tickets').set(as(a.admin, a.id)).send({ title: 'Leaking roof' }).expect(201)
      ).body;
      await t.http
        .post(`/v1/tickets/${ticket.id}/comments`)
        .set(as(a.admin, a.id))
        .send({ body: 'Internal note', isInternal: true })
        .expect(201);
      const pub = (
        await t.http
          .post(`/v1/tickets/${ticket.id}/comments`)
          .set(as(a.admin, a.id))
          .send({ body: 'We are on it' })
          .expect(201)
      ).body;
      const events = (await since(a, before)).filter((e) => e.data.id === ticket.id);
      const comments = events.filter((e) => e.type === 'ticket.comment_added');
      expect(events[0].type).toBe('ticket.created');
      expect(comments).toHaveLength(1);
      expect(comments[0].data.commentId).toBe(pub.id);
    });

    it('filters by type pattern and pages with nextAfter', async () => {
      const before = await newest(a);
      await createLead(t.http, a.admin, a.id);
      await createLead(t.http, a.admin, a.id);
      const first = await page(a.admin, a, `?after=${before}&limit=1&types=lead.*`);
      expect(first.data).toHaveLength(1);
      const second = await page(a.admin, a, `?after=${first.nextAfter}&limit=1&types=lead.created`);
      expect(second.data).toHaveLength(1);
      expect(BigInt(second.data[0].id)).toBeGreaterThan(BigInt(first.data[0].id));
      const none = await page(a.admin, a, `?after=${before}&types=deal.*`);
      expect(none.data).toEqual([]);
      const bad = await t.http.get('/v1/events?types=lead.exploded').set(as(a.admin, a.id)).expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      await t.http.get('/v1/events?after=-1').set(as(a.admin, a.id)).expect(400);
    });

    it('forgets events past the retention and spent stream tokens, in the daily housekeeping task', async () => {
      const old = await createLead(t.http, a.admin, a.id);
      const recent = await createLead(t.http, a.admin, a.id);
      await t.db.admin.query(
        `UPDATE events SET created_at = now() - interval '31 days' WHERE organization_id = $1 AND entity_id = $2`,
        [a.id, old.id],
      );
      await t.http.post('/v1/events/stream-tokens').set(as(a.admin, a.id)).expect(201);
      await t.db.admin.query(`UPDATE event_stream_tokens SET expires_at = now() - interval '2 hours'`);
      const task = t.app
        .get(HousekeepingService)
        .list()
        .find((x) => x.name === 'housekeeping.events')!;
      expect(task.cron).toBe('27 3 * * *');
      await task.run();
      const ids = (await page(a.admin, a, '?limit=500')).data.map((e) => e.data.id);
      expect(ids).not.toContain(old.id);
      expect(ids).toContain(recent.id);
      const [{ n }] = await t.db.admin.query<{ n: number }>('SELECT count(*)::int AS n FROM event_stream_tokens');
      expect(n).toBe(0);
    });

    it("keeps organizations apart: B's member never reads A's events (and reads B's)", async () => {
      const before = await newest(b);
      const lead = await createLead(t.http, a.admin, a.id);
      const mineB = await createLead(t.http, b.admin, b.id);
      const seen = await since(b, before);
      expect(seen.map((e) => e.data.id)).toEqual([mineB.id]);
      expect(JSON.stringify(seen)).not.toContain(lead.id);
    });
  });

  describe('the stream', () => {
    it('delivers a change as it commits, with heartbeats and the headers of an event stream', async () => {
      const s = await open('/v1/events/stream', as(a.admin, a.id));
      expect(s.status).toBe(200);
      expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(s.headers['x-request-id']).toBeDefined();
      const lead = await createLead(t.http, a.admin, a.id);
      await s.until((c) => bodies(c).some((e) => e.data.id === lead.id));
      const event = s.messages.find((m) => m.data!.includes(lead.id))!;
      expect(event.event).toBe('lead.created');
      expect(event.id).toBe(JSON.parse(event.data!).id);
      await s.until((c) => c.events.some((e) => e.comment === 'heartbeat'), 3000);
      s.close();
    });

    it("never sends organization B A's events, while B's own arrive (allowed control)", async () => {
      const sb = await open('/v1/events/stream', as(b.admin, b.id));
      const inA = await createLead(t.http, a.admin, a.id);
      const inB = await createLead(t.http, b.admin, b.id);
      await sb.until((c) => bodies(c).some((e) => e.data.id === inB.id));
      expect(sb.body).not.toContain(inA.id);
      sb.close();
    });

    it("shows an AGENT only events on records they can see, another agent's never", async () => {
      const mine = await addMember(t.http, a, 'AGENT');
      const other = await addMember(t.http, a, 'AGENT');
      const s = await open('/v1/events/stream', as(mine, a.id));
      const hidden = await createLead(t.http, a.admin, a.id, { assignedToId: other.id });
      const visible = await createLead(t.http, a.admin, a.id, { assignedToId: mine.id });
      await s.until((c) => bodies(c).some((e) => e.data.id === visible.id && e.type === 'lead.created'));
      expect(s.body).not.toContain(hidden.id);
      s.close();
    });

    it('resumes after Last-Event-ID with no gap and no duplicate', async () => {
      const s1 = await open('/v1/events/stream?types=lead.created', as(a.admin, a.id));
      const first = await createLead(t.http, a.admin, a.id);
      await s1.until((c) => bodies(c).some((e) => e.data.id === first.id));
      const lastId = s1.messages.at(-1)!.id!;
      s1.close();
      const missed = [await createLead(t.http, a.admin, a.id), await createLead(t.http, a.admin, a.id)];
      const s2 = await open('/v1/events/stream?types=lead.created', { ...as(a.admin, a.id), 'last-event-id': lastId });
      await s2.untilMessages(2);
      const later = await createLead(t.http, a.admin, a.id);
      await s2.untilMessages(3);
      const got = bodies(s2);
      expect(got.map((e) => e.data.id)).toEqual([...missed.map((l) => l.id), later.id]);
      const ids = got.map((e) => BigInt(e.id));
      expect(ids[0]).toBeGreaterThan(BigInt(lastId));
      expect(new Set(ids).size).toBe(ids.length);
      s2.close();
    });

    it('takes a single-use stream token for EventSource, bound to its organization', async () => {
      const mint = () =>
        t.http
          .post('/v1/events/stream-tokens')
          .set(as(a.admin, a.id))
          .expect(201)
          .then((r) => r.body);
      const { token, url } = await mint();
      expect(token).toMatch(/^est_[A-Za-z0-9_-]{43}$/);
      const s = await open(url);
      expect(s.status).toBe(200);
      const lead = await createLead(t.http, a.admin, a.id);
      await s.until((c) => bodies(c).some((e) => e.data.id === lead.id));
      s.close();

      const again = await open(url);
      expect(again.status).toBe(401);
      await again.until((c) => c.ended);
      expect(JSON.parse(again.body)).toMatchObject({ code: 'STREAM_TOKEN_INVALID' });

      const other = await mint();
      const elsewhere = await open(other.url, { 'x-organization-id': b.id });
      expect(elsewhere.status).toBe(403);
      // A token is no bearer token anywhere else.
      await t.http.get(`/v1/leads?token=${(await mint()).token}`).expect(401);
    });

    it('refuses a non-member and a malformed Last-Event-ID with the documented errors', async () => {
      const s = await open('/v1/events/stream', as(b.admin, a.id));
      expect(s.status).toBe(403);
      const bad = await open('/v1/events/stream', { ...as(a.admin, a.id), 'last-event-id': 'yesterday' });
      expect(bad.status).toBe(400);
      await bad.until((c) => c.ended);
      expect(JSON.parse(bad.body)).toMatchObject({ code: 'VALIDATION_FAILED' });
      const none = await open('/v1/events/stream');
      expect(none.status).toBe(401);
    });

    it('delivers what committed while no API process ran, to a stream resumed on the next process', async () => {
      // A second API process on the same database; the first one goes on serving the other tests.
      const second = await bootApp({}, t.db);
      await second.app.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${(second.app.getHttpServer().address() as AddressInfo).port}/v1/events/stream`;
      const first = await SseClient.open(url, as(a.admin, a.id));
      const seen = await createLead(t.http, a.admin, a.id);
      await first.until((c) => bodies(c).some((e) => e.data.id === seen.id));
      const lastId = first.messages.at(-1)!.id!;
      first.close();
      await second.close();
      // Committed with no process of the second kind running (plain SQL, as crm_app).
      await asApp(
        t.db.admin,
        { org: a.id, user: a.admin.id, role: 'ADMIN' },
        () => t.db.admin.query(`INSERT INTO leads (organization_id, name) VALUES ($1, 'Arrived while down')`, [a.id]),
        { commit: true },
      );
      const third = await bootApp({}, t.db);
      await third.app.listen(0, '127.0.0.1');
      try {
        const port = (third.app.getHttpServer().address() as AddressInfo).port;
        const resumed = await SseClient.open(`http://127.0.0.1:${port}/v1/events/stream`, {
          ...as(a.admin, a.id),
          'last-event-id': lastId,
        });
        await resumed.until((c) => bodies(c).some((e) => e.type === 'lead.created'));
        const [arrived] = bodies(resumed);
        expect(BigInt(arrived.id)).toBe(BigInt(lastId) + 1n);
        const [row] = await t.db.admin.query<{ name: string }>('SELECT name FROM leads WHERE id = $1', [
          arrived.data.id,
        ]);
        expect(row?.name).toBe('Arrived while down');
        resumed.close();
      } finally {
        await third.close();
      }
    });

    it('ends the stream of a member who is removed, before the next event, with a stream.closed event', async () => {
      const manager = await addMember(t.http, a, 'MANAGER');
      const s = await open('/v1/events/stream', as(manager, a.id));
      const before = await createLead(t.http, a.admin, a.id);
      await s.until((c) => c.body.includes(before.id));
      await t.http.delete(`/v1/members/${manager.id}`).set(as(a.admin, a.id)).expect(204);
      const after = await createLead(t.http, a.admin, a.id);
      await s.until((c) => c.ended);
      expect(s.messages.at(-1)).toMatchObject({ event: 'stream.closed' });
      expect(JSON.parse(s.messages.at(-1)!.data!)).toMatchObject({ code: 'NOT_A_MEMBER' });
      expect(s.body).not.toContain(after.id);
    });

    it('streams to an API key with events:read, and refuses one without it', async () => {
      const create = (scopes: string[]) =>
        t.http
          .post('/v1/api-keys')
          .set(as(a.admin, a.id))
          .send({ name: 'Stream', scopes })
          .expect(201)
          .then((r) => r.body.secret as string);
      const reader = await create(['events:read']);
      const s = await open('/v1/events/stream', { authorization: `Bearer ${reader}` });
      expect(s.status).toBe(200);
      const lead = await createLead(t.http, a.admin, a.id);
      await s.until((c) => c.body.includes(lead.id));
      s.close();
      const other = await create(['leads:read']);
      const refused = await open('/v1/events/stream', { authorization: `Bearer ${other}` });
      expect(refused.status).toBe(403);
      await refused.until((c) => c.ended);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
    });
  });
});
