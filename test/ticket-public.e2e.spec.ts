import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SqlSession } from '../src/database/sql-session.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { addMember, as, createOrg, type User, twoOrganizations } from './helpers/fixtures.js';
import { createTicket, type Json } from './helpers/tickets.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('ticket share links and the customer view', () => {
  const { t, a, b } = twoOrganizations();
  let sql: SqlSession;
  let agent: User;

  beforeAll(async () => {
    sql = t.db.admin;
    agent = await addMember(t.http, a, 'AGENT');
  });

  async function share(ticketId: string, user: User = a.admin, body: Record<string, unknown> = {}): Promise<Json> {
    const res = await t.http.post(`/v1/tickets/${ticketId}/share`).set(as(user)).send(body).expect(201);
    return res.body as Json;
  }

  const comment = (ticketId: string, body: string, isInternal = false, user: User = a.admin) =>
    t.http.post(`/v1/tickets/${ticketId}/comments`).set(as(user)).send({ body, isInternal }).expect(201);

  it('creates an unguessable link and stores only its SHA-256', async () => {
    const ticket = await createTicket(t.http, a.admin, a.id);
    const link = await share(ticket.id, a.admin, { expiresInHours: 2 });
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(link.token, 'base64url')).toHaveLength(32);
    expect(link.url).toBe(`/v1/public/tickets/${link.token}`);
    const expiresIn = new Date(link.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(2 * 3_600_000);

    const rows = await sql.query<Json>('SELECT * FROM ticket_share_links WHERE id = $1', [link.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(sha256(link.token));
    expect(JSON.stringify(rows[0])).not.toContain(link.token);

    const other = await share(ticket.id);
    expect(other.token).not.toBe(link.token);
    const list = await t.http.get(`/v1/tickets/${ticket.id}/share`).set(as(a.admin)).expect(200);
    expect(list.body.data.map((l: Json) => l.id).sort()).toEqual([link.id, other.id].sort());
    expect(list.body.data.every((l: Json) => l.active && !('token' in l) && !('tokenHash' in l))).toBe(true);
  });

  it('shows the customer the ticket and its public comments, never an internal one', async () => {
    const ticket = await createTicket(t.http, a.admin, a.id, { title: 'Broken gate', description: 'private notes' });
    await comment(ticket.id, 'We will send someone');
    await comment(ticket.id, 'Landlord is difficult, careful', true);
    await comment(ticket.id, 'Booked for Friday');
    const { token } = await share(ticket.id);

    const res = await t.http.get(`/v1/public/tickets/${token}`).expect(200);
    expect(res.body).toEqual({
      reference: ticket.reference,
      number: ticket.number,
      title: 'Broken gate',
      status: 'OPEN',
      createdAt: ticket.createdAt,
      updatedAt: expect.any(String),
      comments: [
        { id: expect.any(String), body: 'We will send someone', authorType: 'MEMBER', createdAt: expect.any(String) },
        { id: expect.any(String), body: 'Booked for Friday', authorType: 'MEMBER', createdAt: expect.any(String) },
      ],
    });
    expect(JSON.stringify(res.body)).not.toContain('Landlord');
    expect(JSON.stringify(res.body)).not.toContain('private notes');
    // Control: members do see the internal comment.
    const members = await t.http.get(`/v1/tickets/${ticket.id}/comments`).set(as(a.admin)).expect(200);
    expect(members.body.data.map((c: Json) => c.body)).toContain('Landlord is difficult, careful');
  });

  it('takes the customer’s answer and moves a ticket waiting on them back to IN_PROGRESS', async () => {
    const ticket = await createTicket(t.http, agent, a.id);
    await t.http
      .post(`/v1/tickets/${ticket.id}/transition`)
      .set(as(agent))
      .send({ to: 'PENDING_CUSTOMER', note: 'Asked for photos' })
      .expect(200);
    const { token } = await share(ticket.id, agent);

    const answer = await t.http
      .post(`/v1/public/tickets/${token}/comments`)
      .send({ body: 'Photos attached to my email' })
      .expect(201);
    expect(answer.body).toMatchObject({ body: 'Photos attached to my email', authorType: 'CUSTOMER' });

    const after = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(agent)).expect(200);
    expect(after.body.status).toBe('IN_PROGRESS');
    const history = await t.http.get(`/v1/tickets/${ticket.id}/history`).set(as(agent)).expect(200);
    expect(history.body.data.at(-1)).toMatchObject({
      fromStatus: 'PENDING_CUSTOMER',
      toStatus: 'IN_PROGRESS',
      note: 'The customer replied',
      changedById: null,
    });
    const members = await t.http.get(`/v1/tickets/${ticket.id}/comments`).set(as(agent)).expect(200);
    expect(members.body.data.at(-1)).toMatchObject({ authorType: 'CUSTOMER', createdById: null, isInternal: false });
    // A customer reply is not a first response.
    expect(after.body.firstResponseAt).toBeNull();

    // Another answer while IN_PROGRESS changes nothing else.
    await t.http.post(`/v1/public/tickets/${token}/comments`).send({ body: 'Any news?' }).expect(201);
    const again = await t.http.get(`/v1/tickets/${ticket.id}/history`).set(as(agent)).expect(200);
    expect(again.body.meta.total).toBe(history.body.meta.total);

    const view = await t.http.get(`/v1/public/tickets/${token}`).expect(200);
    expect(view.body.status).toBe('IN_PROGRESS');
    expect(view.body.comments.map((c: Json) => c.authorType)).toEqual(['CUSTOMER', 'CUSTOMER']);
  });

  it('refuses answers on a closed ticket, and malformed or extra fields', async () => {
    const ticket = await createTicket(t.http, a.admin, a.id);
    const { token } = await share(ticket.id);
    for (const body of [{}, { body: '' }, { body: 'x', isInternal: true }, { body: 'x', authorType: 'MEMBER' }]) {
      await t.http.post(`/v1/public/tickets/${token}/comments`).send(body).expect(400);
    }
    await t.http.post(`/v1/tickets/${ticket.id}/transition`).set(as(a.admin)).send({ to: 'CLOSED' }).expect(200);
    const closed = await t.http.post(`/v1/public/tickets/${token}/comments`).send({ body: 'hello?' }).expect(422);
    expect(closed.body.code).toBe('TICKET_CLOSED');
    // Still readable.
    await t.http.get(`/v1/public/tickets/${token}`).expect(200);
  });

  it('stops working when the link expires', async () => {
    const ticket = await createTicket(t.http, a.admin, a.id);
    const link = await share(ticket.id);
    await t.http.get(`/v1/public/tickets/${link.token}`).expect(200);
    await sql.query(
      "UPDATE ticket_share_links SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = $1",
      [link.id],
    );
    const gone = await t.http.get(`/v1/public/tickets/${link.token}`).expect(404);
    expect(gone.body.code).toBe('NOT_FOUND');
    await t.http.post(`/v1/public/tickets/${link.token}/comments`).send({ body: 'x' }).expect(404);
    const list = await t.http.get(`/v1/tickets/${ticket.id}/share`).set(as(a.admin)).expect(200);
    expect(list.body.data[0]).toMatchObject({ id: link.id, active: false, revokedAt: null });
    for (const hours of [0, 721, 1.5, 'x']) {
      await t.http.post(`/v1/tickets/${ticket.id}/share`).set(as(a.admin)).send({ expiresInHours: hours }).expect(400);
    }
  });

  it('revokes one link, then all of them', async () => {
    const ticket = await createTicket(t.http, a.admin, a.id);
    const [first, second, third] = [await share(ticket.id), await share(ticket.id), await share(ticket.id)];
    await t.http.delete(`/v1/tickets/${ticket.id}/share/${first.id}`).set(as(a.admin)).expect(204);
    await t.http.delete(`/v1/tickets/${ticket.id}/share/${first.id}`).set(as(a.admin)).expect(204);
    await t.http.get(`/v1/public/tickets/${first.token}`).expect(404);
    await t.http.get(`/v1/public/tickets/${second.token}`).expect(200);

    await t.http.delete(`/v1/tickets/${ticket.id}/share`).set(as(a.admin)).expect(204);
    for (const link of [second, third]) await t.http.get(`/v1/public/tickets/${link.token}`).expect(404);
    const list = await t.http.get(`/v1/tickets/${ticket.id}/share`).set(as(a.admin)).expect(200);
    expect(list.body.data.every((l: Json) => !l.active && l.revokedAt)).toBe(true);
    const another = await createTicket(t.http, a.admin, a.id);
    await t.http.delete(`/v1/tickets/${another.id}/share/${second.id}`).set(as(a.admin)).expect(404);
  });

  it.each([
    ['malformed', 'not-a-token'],
    ['well formed but unknown', 'A'.repeat(43)],
    ['too long', 'A'.repeat(44)],
  ])('answers 404 for a %s token', async (_name, token) => {
    const res = await t.http.get(`/v1/public/tickets/${token}`).expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('lets only those who can see the ticket share it', async () => {
    const hidden = await createTicket(t.http, a.admin, a.id);
    await t.http.post(`/v1/tickets/${hidden.id}/share`).set(as(agent)).send({}).expect(404);
    const viewer = await addMember(t.http, a, 'VIEWER');
    await t.http.post(`/v1/tickets/${hidden.id}/share`).set(as(viewer)).send({}).expect(403);
    await t.http.get(`/v1/tickets/${hidden.id}/share`).set(as(viewer)).expect(200);
  });

  it("hides org A's ticket links from org B on every route, beside A's allowed control", async () => {
    const ticket = await createTicket(t.http, a.admin, a.id);
    const link = await share(ticket.id);
    const B = as(b.admin);
    await t.http.post(`/v1/tickets/${ticket.id}/share`).set(B).send({}).expect(404);
    await t.http.get(`/v1/tickets/${ticket.id}/share`).set(B).expect(404);
    await t.http.delete(`/v1/tickets/${ticket.id}/share`).set(B).expect(404);
    await t.http.delete(`/v1/tickets/${ticket.id}/share/${link.id}`).set(B).expect(404);
    // B's own ticket cannot reach A's link either.
    const own = await createTicket(t.http, b.admin, b.id);
    await t.http.delete(`/v1/tickets/${own.id}/share/${link.id}`).set(B).expect(404);
    // Control: A's link still works and is listed for A.
    await t.http.get(`/v1/public/tickets/${link.token}`).expect(200);
    const list = await t.http.get(`/v1/tickets/${ticket.id}/share`).set(as(a.admin)).expect(200);
    expect(list.body.data).toContainEqual(expect.objectContaining({ id: link.id, active: true }));
  });

  it('resolves a token only through app.resolve_ticket_share, for live links', async () => {
    const ticket = await createTicket(t.http, a.admin, a.id);
    const link = await share(ticket.id);
    const resolve = (hash: string) =>
      sql.query<{ organization_id: string; ticket_id: string }>(
        `SELECT r.* FROM (SELECT set_config('role', 'crm_app', true)) s, app.resolve_ticket_share($1) r`,
        [hash],
      );
    await sql.exec('BEGIN');
    try {
      expect(await resolve(sha256(link.token))).toEqual([{ organization_id: a.id, ticket_id: ticket.id }]);
      expect(await resolve(sha256('nope'))).toEqual([]);
      // crm_app cannot read the links directly without a tenant.
      expect(await sql.query('SELECT 1 FROM ticket_share_links')).toEqual([]);
    } finally {
      await sql.exec('ROLLBACK');
    }
  });
});

describe('customer view rate limit and absolute links', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3', PUBLIC_API_URL: 'https://api.example.test/' });
  });
  afterAll(() => t.close());

  it('limits the public routes per client and hands out absolute links', async () => {
    // Signing up is itself rate limited: one org, one ticket, one link.
    const org = await createOrg(t.http, 'Rate');
    const ticket = await createTicket(t.http, org.admin, org.id);
    const res = await t.http.post(`/v1/tickets/${ticket.id}/share`).set(as(org.admin)).send({}).expect(201);
    expect(res.body.url).toBe(`https://api.example.test/v1/public/tickets/${res.body.token}`);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http.get(`/v1/public/tickets/${res.body.token}`)).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses[3]).toBe(429);
    // Each route counts on its own.
    const posts: number[] = [];
    for (let i = 0; i < 4; i++) {
      posts.push((await t.http.post(`/v1/public/tickets/${res.body.token}/comments`).send({ body: `#${i}` })).status);
    }
    expect(posts).toEqual([201, 201, 201, 429]);
    const again = await t.http.get(`/v1/public/tickets/${res.body.token}`).expect(429);
    expect(again.headers['retry-after']).toBeDefined();
    expect(again.body.code).toBe('RATE_LIMITED');
  });
});
