import { beforeAll, describe, expect, it } from '@jest/globals';
import type { SqlSession } from '../src/database/sql-session.js';
import { usingPostgres } from './helpers/database.js';
import { addMember, as, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { asApp } from './helpers/sql-as-app.js';
import { createTicket, ids, insertContact, insertListing, type Json } from './helpers/tickets.js';
import { TICKET_TRANSITIONS } from '../src/tickets/ticket-status.js';

const hoursFromNow = (h: number): string => new Date(Date.now() + h * 3_600_000).toISOString();

describe('tickets', () => {
  const { t, a, b } = twoOrganizations();
  let sql: SqlSession;
  let agent: User;
  let manager: User;
  let viewer: User;

  beforeAll(async () => {
    sql = t.db.admin;
    agent = await addMember(t.http, a, 'AGENT');
    manager = await addMember(t.http, a, 'MANAGER');
    viewer = await addMember(t.http, a, 'VIEWER');
  });

  describe('CRUD', () => {
    it('creates, reads, updates and deletes a ticket', async () => {
      const ticket = await createTicket(t.http, a.admin, a.id, {
        title: 'Leaking dishwasher',
        description: 'Water under the sink',
        category: 'maintenance',
        dueAt: hoursFromNow(24),
      });
      expect(ticket).toMatchObject({
        title: 'Leaking dishwasher',
        status: 'OPEN',
        priority: 'MEDIUM',
        category: 'maintenance',
        createdById: a.admin.id,
        assignees: [],
        resolvedAt: null,
        closedAt: null,
        firstResponseAt: null,
        overdue: false,
        isOverdue: false,
      });
      expect(ticket.reference).toBe(`T-${ticket.number}`);
      expect(ticket).not.toHaveProperty('organizationId');

      const got = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(a.admin)).expect(200);
      expect(got.body).toEqual(ticket);
      const patched = await t.http
        .patch(`/v1/tickets/${ticket.id}`)
        .set(as(a.admin))
        .send({ priority: 'URGENT', description: null, title: null })
        .expect(200);
      expect(patched.body).toMatchObject({ priority: 'URGENT', description: null, title: 'Leaking dishwasher' });

      await t.http.delete(`/v1/tickets/${ticket.id}`).set(as(agent)).expect(403);
      await t.http.delete(`/v1/tickets/${ticket.id}`).set(as(a.admin)).expect(204);
      await t.http.get(`/v1/tickets/${ticket.id}`).set(as(a.admin)).expect(404);
      const [{ n }] = await sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM ticket_status_history WHERE ticket_id = $1',
        [ticket.id],
      );
      expect(n).toBe(0);
    });

    it('lets a MANAGER delete and a VIEWER only read', async () => {
      const ticket = await createTicket(t.http, a.admin, a.id);
      await t.http.get(`/v1/tickets/${ticket.id}`).set(as(viewer)).expect(200);
      await t.http.post('/v1/tickets').set(as(viewer)).send({ title: 'x' }).expect(403);
      await t.http.patch(`/v1/tickets/${ticket.id}`).set(as(viewer)).send({ title: 'x' }).expect(403);
      await t.http.post(`/v1/tickets/${ticket.id}/comments`).set(as(viewer)).send({ body: 'x' }).expect(403);
      await t.http.delete(`/v1/tickets/${ticket.id}`).set(as(manager)).expect(204);
    });

    it('numbers tickets per organization without duplicates under concurrent creates', async () => {
      const org = await createOrg(t.http, 'Numbers');
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) => createTicket(t.http, org.admin, org.id, { title: `Concurrent ${i}` })),
      );
      const numbers = created.map((c) => c.number as number).sort((x, y) => x - y);
      expect(new Set(numbers).size).toBe(12);
      expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      // Another organization keeps its own sequence.
      const other = await createOrg(t.http, 'Numbers 2');
      expect((await createTicket(t.http, other.admin, other.id)).reference).toBe('T-1');
    });

    it('refuses a number already taken in the organization (unique per organization)', async () => {
      const ticket = await createTicket(t.http, a.admin, a.id);
      await expect(
        sql.query('INSERT INTO tickets (organization_id, number, title) VALUES ($1, $2, $3)', [
          a.id,
          ticket.number,
          'dup',
        ]),
      ).rejects.toThrow(/unique|duplicate/i);
      await sql.query('INSERT INTO tickets (organization_id, number, title) VALUES ($1, $2, $3)', [
        b.id,
        ticket.number + 1000,
        'other org, any number',
      ]);
    });

    it('links the customer contact and a listing of the same organization only', async () => {
      const contact = await insertContact(sql, a.id);
      const listing = await insertListing(sql, a.id);
      const foreignContact = await insertContact(sql, b.id);
      const ticket = await createTicket(t.http, a.admin, a.id, { contactId: contact, listingId: listing });
      expect(ticket).toMatchObject({ contactId: contact, listingId: listing });
      const refused = await t.http
        .post('/v1/tickets')
        .set(as(a.admin))
        .send({ title: 'x', contactId: foreignContact })
        .expect(422);
      expect(refused.body).toMatchObject({
        code: 'INVALID_REFERENCE',
        details: [expect.objectContaining({ field: 'contactId', message: expect.any(String) })],
      });
      await t.http.patch(`/v1/tickets/${ticket.id}`).set(as(a.admin)).send({ listingId: foreignContact }).expect(422);
      const unlinked = await t.http
        .patch(`/v1/tickets/${ticket.id}`)
        .set(as(a.admin))
        .send({ contactId: null })
        .expect(200);
      expect(unlinked.body.contactId).toBeNull();
    });

    it.each([
      ['title missing', {}],
      ['priority unknown', { title: 'x', priority: 'CRITICAL' }],
      ['status on create', { title: 'x', status: 'CLOSED' }],
      ['dueAt malformed', { title: 'x', dueAt: 'tomorrow' }],
      ['assigneeIds not uuids', { title: 'x', assigneeIds: ['nope'] }],
    ])('rejects %s with 400', async (_name, body) => {
      const res = await t.http.post('/v1/tickets').set(as(a.admin)).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('list', () => {
    let org: Org;
    let member: User;
    let contact: string;
    let listing: string;
    const titles = (res: { body: { data: { title: string }[] } }) => res.body.data.map((r) => r.title).sort();

    beforeAll(async () => {
      org = await createOrg(t.http, 'List');
      member = await addMember(t.http, org, 'AGENT');
      contact = await insertContact(sql, org.id);
      listing = await insertListing(sql, org.id);
      const rows = [
        { title: 'Alpha broken heater', priority: 'URGENT', category: 'Maintenance', dueAt: hoursFromNow(-2) },
        { title: 'Bravo contract question', priority: 'LOW', contactId: contact, description: 'escrow wording' },
        { title: 'Charlie keys', priority: 'HIGH', listingId: listing, assigneeIds: [member.id] },
        { title: 'Delta photos', dueAt: hoursFromNow(48) },
      ];
      for (const row of rows) await createTicket(t.http, org.admin, org.id, row);
      const closed = await createTicket(t.http, org.admin, org.id, { title: 'Echo done', dueAt: hoursFromNow(-5) });
      await t.http.post(`/v1/tickets/${closed.id}/transition`).set(as(org.admin)).send({ to: 'CLOSED' }).expect(200);
    });

    it.each([
      ['status=OPEN', ['Alpha broken heater', 'Bravo contract question', 'Charlie keys', 'Delta photos']],
      ['status=CLOSED,REOPENED', ['Echo done']],
      ['status=CLOSED&status=OPEN&priority=URGENT', ['Alpha broken heater']],
      ['priority=LOW,HIGH', ['Bravo contract question', 'Charlie keys']],
      ['category=maintenance', ['Alpha broken heater']],
      ['overdue=true', ['Alpha broken heater']],
      ['q=escrow', ['Bravo contract question']],
      ['q=KEYS', ['Charlie keys']],
    ])('filters by %s', async (query, expected) => {
      const res = await t.http.get(`/v1/tickets?${query}`).set(as(org.admin)).expect(200);
      expect(titles(res)).toEqual(expected);
    });

    it('filters by assignee, contact, listing and not overdue', async () => {
      const byAssignee = await t.http.get(`/v1/tickets?assignedToId=${member.id}`).set(as(org.admin)).expect(200);
      expect(titles(byAssignee)).toEqual(['Charlie keys']);
      // The old name still works for one release.
      const byOldName = await t.http.get(`/v1/tickets?assigneeId=${member.id}`).set(as(org.admin)).expect(200);
      expect(titles(byOldName)).toEqual(['Charlie keys']);
      const byContact = await t.http.get(`/v1/tickets?contactId=${contact}`).set(as(org.admin)).expect(200);
      expect(titles(byContact)).toEqual(['Bravo contract question']);
      const byListing = await t.http.get(`/v1/tickets?listingId=${listing}`).set(as(org.admin)).expect(200);
      expect(titles(byListing)).toEqual(['Charlie keys']);
      const notOverdue = await t.http.get('/v1/tickets?overdue=false').set(as(org.admin)).expect(200);
      expect(titles(notOverdue)).not.toContain('Alpha broken heater');
      expect(notOverdue.body.meta.total).toBe(4);
    });

    it('finds a ticket by its number, "T-n" or "n"', async () => {
      const all = await t.http.get('/v1/tickets?sort=number').set(as(org.admin)).expect(200);
      const third = all.body.data[2] as Json;
      for (const q of [third.reference, String(third.number), third.reference.toLowerCase()]) {
        const res = await t.http
          .get(`/v1/tickets?q=${encodeURIComponent(q)}`)
          .set(as(org.admin))
          .expect(200);
        expect(ids(res)).toEqual([third.id]);
      }
    });

    it('sorts by urgency with -priority, and by dueAt with nulls last', async () => {
      const res = await t.http.get('/v1/tickets?sort=-priority,number').set(as(org.admin)).expect(200);
      expect(res.body.data.map((r: Json) => r.priority)).toEqual(['URGENT', 'HIGH', 'MEDIUM', 'MEDIUM', 'LOW']);
      const asc = await t.http.get('/v1/tickets?sort=priority').set(as(org.admin)).expect(200);
      expect(asc.body.data[0].priority).toBe('LOW');
      const byDue = await t.http.get('/v1/tickets?sort=dueAt').set(as(org.admin)).expect(200);
      expect(byDue.body.data.map((r: Json) => r.title).slice(0, 3)).toEqual([
        'Echo done',
        'Alpha broken heater',
        'Delta photos',
      ]);
      expect(byDue.body.data[4].dueAt).toBeNull();
      const page = await t.http.get('/v1/tickets?pageSize=2&page=3&sort=createdAt').set(as(org.admin)).expect(200);
      expect(page.body.meta).toEqual({ page: 3, pageSize: 2, total: 5, totalPages: 3 });
    });

    it.each([
      'sort=title',
      'status=NOPE',
      'priority=urgent',
      'overdue=maybe',
      'assignedToId=x',
      'assigneeId=x',
      'pageSize=101',
    ])('rejects %s with 400', async (query) => {
      const res = await t.http.get(`/v1/tickets?${query}`).set(as(org.admin)).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('workflow', () => {
    it('moves along the table, records each change with its note, and keeps resolvedAt/closedAt consistent', async () => {
      const ticket = await createTicket(t.http, a.admin, a.id);
      const move = (to: string, note?: string) =>
        t.http.post(`/v1/tickets/${ticket.id}/transition`).set(as(a.admin)).send({ to, note });

      const started = await move('IN_PROGRESS', 'On it').expect(200);
      expect(started.body).toMatchObject({ status: 'IN_PROGRESS', resolvedAt: null, closedAt: null });
      const resolved = await move('RESOLVED').expect(200);
      expect(resolved.body.resolvedAt).not.toBeNull();
      expect(resolved.body.closedAt).toBeNull();
      const closed = await move('CLOSED', 'Customer confirmed').expect(200);
      expect(closed.body.resolvedAt).toBe(resolved.body.resolvedAt);
      expect(closed.body.closedAt).not.toBeNull();

      const refused = await move('IN_PROGRESS').expect(422);
      expect(refused.body).toMatchObject({
        code: 'INVALID_STATUS_TRANSITION',
        details: [expect.objectContaining({ field: 'to', message: 'allowed: REOPENED' })],
      });
      const reopened = await move('REOPENED').expect(200);
      expect(reopened.body).toMatchObject({ status: 'REOPENED', resolvedAt: null, closedAt: null });
      await move('OPEN').expect(422);

      const history = await t.http.get(`/v1/tickets/${ticket.id}/history`).set(as(a.admin)).expect(200);
      expect(history.body.data.map((h: Json) => [h.fromStatus, h.toStatus, h.note])).toEqual([
        [null, 'OPEN', null],
        ['OPEN', 'IN_PROGRESS', 'On it'],
        ['IN_PROGRESS', 'RESOLVED', null],
        ['RESOLVED', 'CLOSED', 'Customer confirmed'],
        ['CLOSED', 'REOPENED', null],
      ]);
      expect(history.body.data.every((h: Json) => h.changedById === a.admin.id)).toBe(true);
      expect(history.body.meta.total).toBe(5);
    });

    it('closing without resolving sets both timestamps', async () => {
      const ticket = await createTicket(t.http, a.admin, a.id);
      const res = await t.http
        .post(`/v1/tickets/${ticket.id}/transition`)
        .set(as(a.admin))
        .send({ to: 'CLOSED' })
        .expect(200);
      expect(res.body.resolvedAt).not.toBeNull();
      expect(res.body.closedAt).toBe(res.body.resolvedAt);
    });

    it('applies the same table to PATCH, and the trigger records the change', async () => {
      const ticket = await createTicket(t.http, agent, a.id);
      const patched = await t.http
        .patch(`/v1/tickets/${ticket.id}`)
        .set(as(agent))
        .send({ status: 'PENDING_CUSTOMER', priority: 'HIGH' })
        .expect(200);
      expect(patched.body).toMatchObject({ status: 'PENDING_CUSTOMER', priority: 'HIGH' });
      const refused = await t.http
        .patch(`/v1/tickets/${ticket.id}`)
        .set(as(agent))
        .send({ status: 'REOPENED' })
        .expect(422);
      expect(refused.body.details).toEqual([
        expect.objectContaining({ field: 'status', message: 'allowed: IN_PROGRESS, RESOLVED, CLOSED' }),
      ]);
      // The same status is no change: nothing recorded.
      await t.http.patch(`/v1/tickets/${ticket.id}`).set(as(agent)).send({ status: 'PENDING_CUSTOMER' }).expect(200);
      const history = await t.http.get(`/v1/tickets/${ticket.id}/history`).set(as(agent)).expect(200);
      expect(history.body.data.map((h: Json) => [h.fromStatus, h.toStatus, h.changedById])).toEqual([
        [null, 'OPEN', agent.id],
        ['OPEN', 'PENDING_CUSTOMER', agent.id],
      ]);
    });

    it('records a status change made directly in SQL, and keeps the timestamps consistent', async () => {
      const ticket = await createTicket(t.http, a.admin, a.id);
      await sql.query("UPDATE tickets SET status = 'RESOLVED' WHERE id = $1", [ticket.id]);
      const [row] = await sql.query<{ resolved_at: Date | null; closed_at: Date | null }>(
        'SELECT resolved_at, closed_at FROM tickets WHERE id = $1',
        [ticket.id],
      );
      expect(row.resolved_at).not.toBeNull();
      expect(row.closed_at).toBeNull();
      await sql.query("UPDATE tickets SET title = 'renamed' WHERE id = $1", [ticket.id]);
      const history = await t.http.get(`/v1/tickets/${ticket.id}/history`).set(as(a.admin)).expect(200);
      expect(history.body.data.map((h: Json) => [h.fromStatus, h.toStatus, h.changedById])).toEqual([
        [null, 'OPEN', a.admin.id],
        ['OPEN', 'RESOLVED', null],
      ]);
      // A timestamp that contradicts the status is refused by the database.
      await expect(sql.query('UPDATE tickets SET resolved_at = NULL WHERE id = $1', [ticket.id])).rejects.toThrow(
        /tickets_resolved_at_matches_status/,
      );
    });

    it('takes concurrent status changes in turn: the history is always a path the workflow allows', async () => {
      const allowed = (from: string, to: string) =>
        (TICKET_TRANSITIONS as Record<string, readonly string[]>)[from]?.includes(to) ?? false;
      for (let round = 0; round < 6; round++) {
        const ticket = await createTicket(t.http, a.admin, a.id);
        const move = (to: string) => t.http.post(`/v1/tickets/${ticket.id}/transition`).set(as(a.admin)).send({ to });
        // OPEN → RESOLVED and OPEN → IN_PROGRESS both pass on OPEN; RESOLVED → IN_PROGRESS does not.
        const results = await Promise.all([move('RESOLVED'), move('IN_PROGRESS')]);
        expect(results.map((r) => r.status).every((s) => s === 200 || s === 422)).toBe(true);
        expect(results.some((r) => r.status === 200)).toBe(true);
        const history = await sql.query<{ from_status: string | null; to_status: string }>(
          `SELECT from_status::text, to_status::text FROM ticket_status_history
           WHERE ticket_id = $1 ORDER BY changed_at, id`,
          [ticket.id],
        );
        for (let i = 1; i < history.length; i++) {
          expect({ step: history[i], previous: history[i - 1].to_status }).toEqual({
            step: { from_status: history[i - 1].to_status, to_status: history[i].to_status },
            previous: history[i].from_status,
          });
          expect({
            from: history[i].from_status,
            to: history[i].to_status,
            allowed: allowed(history[i].from_status!, history[i].to_status),
          }).toMatchObject({ allowed: true });
        }
      }
    });

    it('takes a customer reply and a member closing the ticket in turn', async () => {
      for (let round = 0; round < 4; round++) {
        const ticket = await createTicket(t.http, a.admin, a.id);
        await t.http
          .post(`/v1/tickets/${ticket.id}/transition`)
          .set(as(a.admin))
          .send({ to: 'PENDING_CUSTOMER' })
          .expect(200);
        const share = await t.http.post(`/v1/tickets/${ticket.id}/share`).set(as(a.admin)).send({}).expect(201);
        const [close, reply] = await Promise.all([
          t.http.post(`/v1/tickets/${ticket.id}/transition`).set(as(a.admin)).send({ to: 'CLOSED' }),
          t.http.post(`/v1/public/tickets/${share.body.token}/comments`).send({ body: 'Any news?' }),
        ]);
        expect(close.status).toBe(200);
        // Closed first: the reply is refused; replied first: it moved the ticket on, then it closed.
        expect([201, 422]).toContain(reply.status);
        const final = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(a.admin)).expect(200);
        expect(final.body.status).toBe('CLOSED');
        const history = await sql.query<{ to_status: string }>(
          'SELECT to_status::text FROM ticket_status_history WHERE ticket_id = $1 ORDER BY changed_at, id',
          [ticket.id],
        );
        expect(history.map((h) => h.to_status)).toEqual(
          reply.status === 201
            ? ['OPEN', 'PENDING_CUSTOMER', 'IN_PROGRESS', 'CLOSED']
            : ['OPEN', 'PENDING_CUSTOMER', 'CLOSED'],
        );
      }
    });
  });

  describe('assignees', () => {
    it('assigns members (notifying them), refuses strangers and duplicates, and unassigns', async () => {
      const ticket = await createTicket(t.http, a.admin, a.id, { title: 'Assign me' });
      const added = await t.http
        .post(`/v1/tickets/${ticket.id}/assignees`)
        .set(as(a.admin))
        .send({ userId: agent.id })
        .expect(201);
      expect(added.body).toMatchObject({ userId: agent.id, assignedById: a.admin.id });
      const notes = await t.http.get('/v1/notifications').set(as(agent)).expect(200);
      expect(notes.body.data).toContainEqual(
        expect.objectContaining({
          type: 'TICKET_ASSIGNED',
          title: `You were assigned to ${ticket.reference}: Assign me`,
          data: expect.objectContaining({ ticketId: ticket.id }),
        }),
      );

      await t.http.post(`/v1/tickets/${ticket.id}/assignees`).set(as(a.admin)).send({ userId: manager.id }).expect(201);
      const got = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(a.admin)).expect(200);
      expect(got.body.assignees.map((x: Json) => x.userId)).toEqual([agent.id, manager.id]);

      const dup = await t.http
        .post(`/v1/tickets/${ticket.id}/assignees`)
        .set(as(a.admin))
        .send({ userId: agent.id })
        .expect(409);
      expect(dup.body.code).toBe('ALREADY_ASSIGNED');
      const stranger = await t.http
        .post(`/v1/tickets/${ticket.id}/assignees`)
        .set(as(a.admin))
        .send({ userId: b.admin.id })
        .expect(422);
      expect(stranger.body.code).toBe('INVALID_ASSIGNEE');
      await t.http
        .post(`/v1/tickets`)
        .set(as(a.admin))
        .send({ title: 'x', assigneeIds: [b.admin.id] })
        .expect(422);

      await t.http.delete(`/v1/tickets/${ticket.id}/assignees/${agent.id}`).set(as(a.admin)).expect(204);
      await t.http.delete(`/v1/tickets/${ticket.id}/assignees/${agent.id}`).set(as(a.admin)).expect(404);
      const after = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(a.admin)).expect(200);
      expect(after.body.assignees.map((x: Json) => x.userId)).toEqual([manager.id]);
    });

    it('notifies the assignees named at creation, but not the creator assigning themself', async () => {
      const before = await t.http.get('/v1/notifications/unread-count').set(as(manager)).expect(200);
      const ticket = await createTicket(t.http, manager, a.id, { assigneeIds: [manager.id, agent.id] });
      expect(ticket.assignees.map((x: Json) => x.userId).sort()).toEqual([manager.id, agent.id].sort());
      const after = await t.http.get('/v1/notifications/unread-count').set(as(manager)).expect(200);
      expect(after.body.unread).toBe(before.body.unread);
      const agentNotes = await t.http.get('/v1/notifications').set(as(agent)).expect(200);
      expect(agentNotes.body.data.some((n: Json) => n.data?.ticketId === ticket.id)).toBe(true);
    });
  });

  describe('AGENT visibility (seed 001)', () => {
    it('shows an AGENT the tickets they created or are assigned to, and nothing else', async () => {
      const org = await createOrg(t.http, 'Visibility');
      const dana = await addMember(t.http, org, 'AGENT');
      const eli = await addMember(t.http, org, 'AGENT');
      const own = await createTicket(t.http, dana, org.id, { title: 'Own' });
      const assigned = await createTicket(t.http, org.admin, org.id, { title: 'Assigned', assigneeIds: [dana.id] });
      const other = await createTicket(t.http, org.admin, org.id, { title: 'Other' });
      const elis = await createTicket(t.http, eli, org.id, { title: 'Eli' });

      const list = await t.http.get('/v1/tickets').set(as(dana)).expect(200);
      expect(ids(list).sort()).toEqual([own.id, assigned.id].sort());
      const all = await t.http.get('/v1/tickets').set(as(org.admin)).expect(200);
      expect(all.body.meta.total).toBe(4);

      for (const hidden of [other, elis]) {
        await t.http.get(`/v1/tickets/${hidden.id}`).set(as(dana)).expect(404);
        await t.http.patch(`/v1/tickets/${hidden.id}`).set(as(dana)).send({ title: 'x' }).expect(404);
        await t.http.post(`/v1/tickets/${hidden.id}/transition`).set(as(dana)).send({ to: 'CLOSED' }).expect(404);
        await t.http.get(`/v1/tickets/${hidden.id}/history`).set(as(dana)).expect(404);
        await t.http.get(`/v1/tickets/${hidden.id}/comments`).set(as(dana)).expect(404);
        await t.http.post(`/v1/tickets/${hidden.id}/comments`).set(as(dana)).send({ body: 'x' }).expect(404);
        await t.http.post(`/v1/tickets/${hidden.id}/assignees`).set(as(dana)).send({ userId: dana.id }).expect(404);
      }
      await t.http.patch(`/v1/tickets/${assigned.id}`).set(as(dana)).send({ title: 'Assigned, edited' }).expect(200);

      // Assigning makes a ticket visible; unassigning hides it again.
      await t.http.post(`/v1/tickets/${other.id}/assignees`).set(as(org.admin)).send({ userId: dana.id }).expect(201);
      await t.http.get(`/v1/tickets/${other.id}`).set(as(dana)).expect(200);
      await t.http.delete(`/v1/tickets/${other.id}/assignees/${dana.id}`).set(as(org.admin)).expect(204);
      await t.http.get(`/v1/tickets/${other.id}`).set(as(dana)).expect(404);

      // Stats and workload count only what the agent can see.
      const stats = await t.http.get('/v1/tickets/stats').set(as(dana)).expect(200);
      expect(stats.body.total).toBe(2);
      const adminStats = await t.http.get('/v1/tickets/stats').set(as(org.admin)).expect(200);
      expect(adminStats.body.total).toBe(4);
    });
  });

  describe('comments', () => {
    it('keeps internal and public comments, and sets firstResponseAt on the first public one', async () => {
      const ticket = await createTicket(t.http, agent, a.id);
      const internal = await t.http
        .post(`/v1/tickets/${ticket.id}/comments`)
        .set(as(agent))
        .send({ body: 'Check the warranty first', isInternal: true })
        .expect(201);
      expect(internal.body).toMatchObject({ isInternal: true, authorType: 'MEMBER', createdById: agent.id });
      const afterInternal = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(agent)).expect(200);
      expect(afterInternal.body.firstResponseAt).toBeNull();

      const reply = await t.http
        .post(`/v1/tickets/${ticket.id}/comments`)
        .set(as(agent))
        .send({ body: 'We are on it' })
        .expect(201);
      expect(reply.body.isInternal).toBe(false);
      const responded = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(agent)).expect(200);
      expect(responded.body.firstResponseAt).not.toBeNull();
      await t.http.post(`/v1/tickets/${ticket.id}/comments`).set(as(a.admin)).send({ body: 'Later' }).expect(201);
      const still = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(agent)).expect(200);
      expect(still.body.firstResponseAt).toBe(responded.body.firstResponseAt);

      const list = await t.http.get(`/v1/tickets/${ticket.id}/comments`).set(as(viewer)).expect(200);
      expect(list.body.data.map((c: Json) => [c.body, c.isInternal])).toEqual([
        ['Check the warranty first', true],
        ['We are on it', false],
        ['Later', false],
      ]);
      await t.http.post(`/v1/tickets/${ticket.id}/comments`).set(as(agent)).send({ body: '' }).expect(400);
      await t.http
        .post(`/v1/tickets/${ticket.id}/comments`)
        .set(as(agent))
        .send({ body: 'x', authorType: 'CUSTOMER' })
        .expect(400);
    });
  });

  describe('stats and workload', () => {
    it('counts by status and priority, open and overdue, with median response and resolution times', async () => {
      const org = await createOrg(t.http, 'Stats');
      const dana = await addMember(t.http, org, 'AGENT');
      const make = (body: Record<string, unknown>) => createTicket(t.http, org.admin, org.id, body);
      await make({ priority: 'URGENT', dueAt: hoursFromNow(-1), assigneeIds: [dana.id] });
      const t2 = await make({ priority: 'HIGH', assigneeIds: [dana.id] });
      const t3 = await make({ priority: 'LOW', assigneeIds: [dana.id] });
      await make({ priority: 'LOW' });
      // Known durations, set as the owner: responses after 60 s and 180 s, resolutions after 1 h and 3 h.
      await sql.query(
        `UPDATE tickets SET created_at = now() - interval '5 hours',
                first_response_at = now() - interval '5 hours' + $2::interval WHERE id = $1`,
        [t2.id, '60 seconds'],
      );
      await sql.query(
        `UPDATE tickets SET created_at = now() - interval '5 hours',
                first_response_at = now() - interval '5 hours' + $2::interval WHERE id = $1`,
        [t3.id, '180 seconds'],
      );
      await sql.query("UPDATE tickets SET status = 'RESOLVED' WHERE id = ANY($1)", [[t2.id, t3.id]]);
      await sql.query("UPDATE tickets SET resolved_at = created_at + interval '1 hour' WHERE id = $1", [t2.id]);
      await sql.query("UPDATE tickets SET resolved_at = created_at + interval '3 hours' WHERE id = $1", [t3.id]);

      const stats = await t.http.get('/v1/tickets/stats').set(as(org.admin)).expect(200);
      expect(stats.body).toEqual({
        from: null,
        to: null,
        total: 4,
        byStatus: { OPEN: 2, IN_PROGRESS: 0, PENDING_CUSTOMER: 0, RESOLVED: 2, CLOSED: 0, REOPENED: 0 },
        byPriority: { LOW: 2, MEDIUM: 0, HIGH: 1, URGENT: 1 },
        open: 2,
        overdue: 1,
        medianFirstResponseSeconds: 120,
        medianResolutionSeconds: 7200,
      });
      const future = await t.http
        .get(`/v1/tickets/stats?from=${encodeURIComponent(hoursFromNow(1))}`)
        .set(as(org.admin))
        .expect(200);
      expect(future.body).toMatchObject({ total: 0, medianFirstResponseSeconds: null, medianResolutionSeconds: null });
      await t.http
        .get('/v1/tickets/stats?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z')
        .set(as(org.admin))
        .expect(400);

      const workload = await t.http.get('/v1/tickets/workload').set(as(org.admin)).expect(200);
      const rows = new Map(workload.body.data.map((r: Json) => [r.userId, r]));
      expect(rows.get(dana.id)).toMatchObject({ role: 'AGENT', open: 1, overdue: 1, resolvedInPeriod: 2 });
      expect(rows.get(org.admin.id)).toMatchObject({ role: 'ADMIN', open: 0, overdue: 0, resolvedInPeriod: 0 });
      const later = await t.http
        .get(`/v1/tickets/workload?from=${encodeURIComponent(hoursFromNow(1))}`)
        .set(as(org.admin))
        .expect(200);
      expect(later.body.data.find((r: Json) => r.userId === dana.id)).toMatchObject({ open: 1, resolvedInPeriod: 0 });
    });
  });

  describe('cross-tenant', () => {
    it("hides org A's ticket from org B's admin on every route, beside A's allowed control", async () => {
      const ticket = await createTicket(t.http, a.admin, a.id, { title: 'A secret', assigneeIds: [agent.id] });
      const id = ticket.id;
      // Control: A sees it everywhere.
      await t.http.get(`/v1/tickets/${id}`).set(as(a.admin)).expect(200);
      await t.http.get(`/v1/tickets/${id}/history`).set(as(a.admin)).expect(200);
      await t.http.get(`/v1/tickets/${id}/comments`).set(as(a.admin)).expect(200);

      const B = as(b.admin);
      await t.http.get(`/v1/tickets/${id}`).set(B).expect(404);
      await t.http.patch(`/v1/tickets/${id}`).set(B).send({ title: 'x' }).expect(404);
      await t.http.post(`/v1/tickets/${id}/transition`).set(B).send({ to: 'CLOSED' }).expect(404);
      await t.http.get(`/v1/tickets/${id}/history`).set(B).expect(404);
      await t.http.post(`/v1/tickets/${id}/assignees`).set(B).send({ userId: b.admin.id }).expect(404);
      await t.http.delete(`/v1/tickets/${id}/assignees/${agent.id}`).set(B).expect(404);
      await t.http.get(`/v1/tickets/${id}/comments`).set(B).expect(404);
      await t.http.post(`/v1/tickets/${id}/comments`).set(B).send({ body: 'x' }).expect(404);
      await t.http.delete(`/v1/tickets/${id}`).set(B).expect(404);

      for (const path of ['/v1/tickets?pageSize=100', `/v1/tickets?q=${ticket.number}`]) {
        const listB = await t.http.get(path).set(B).expect(200);
        expect(ids(listB)).not.toContain(id);
      }
      const statsB = await t.http.get('/v1/tickets/stats').set(B).expect(200);
      const listB = await t.http.get('/v1/tickets?pageSize=100').set(B).expect(200);
      expect(statsB.body.total).toBe(listB.body.meta.total);
      const workloadB = await t.http.get('/v1/tickets/workload').set(B).expect(200);
      expect(workloadB.body.data.map((r: Json) => r.userId)).toEqual([b.admin.id]);

      const still = await t.http.get(`/v1/tickets/${id}`).set(as(a.admin)).expect(200);
      expect(still.body).toMatchObject({ title: 'A secret', status: 'OPEN' });
      expect(still.body.assignees.map((x: Json) => x.userId)).toEqual([agent.id]);
    });
  });

  describe('row-level security in SQL, as crm_app', () => {
    const TABLES = [
      'tickets',
      'ticket_counters',
      'ticket_assignees',
      'ticket_status_history',
      'ticket_comments',
      'ticket_attachments',
      'ticket_share_links',
    ];
    let ticketA: string;
    let ticketB: string;
    let hiddenFromAgent: string;

    beforeAll(async () => {
      ticketA = (await createTicket(t.http, a.admin, a.id, { assigneeIds: [agent.id] })).id;
      hiddenFromAgent = (await createTicket(t.http, a.admin, a.id)).id;
      ticketB = (await createTicket(t.http, b.admin, b.id)).id;
      for (const [ticket, org, user] of [
        [ticketA, a.id, a.admin.id],
        [hiddenFromAgent, a.id, a.admin.id],
        [ticketB, b.id, b.admin.id],
      ]) {
        await sql.query(
          `INSERT INTO ticket_comments (organization_id, ticket_id, body, is_internal, created_by_id)
           VALUES ($1, $2, 'public', false, $3), ($1, $2, 'internal', true, $3)`,
          [org, ticket, user],
        );
        await sql.query(
          `INSERT INTO ticket_attachments (organization_id, ticket_id, file_name, file_size, mime_type, storage_path)
           VALUES ($1, $2, 'a.txt', 1, 'text/plain', $1::uuid::text || '/' || $2::uuid::text || '/' || gen_random_uuid() || '-a.txt')`,
          [org, ticket],
        );
        await sql.query(
          `INSERT INTO ticket_share_links (organization_id, ticket_id, token_hash, expires_at)
           VALUES ($1, $2, encode(sha256(gen_random_uuid()::text::bytea), 'hex'), now() + interval '1 day')`,
          [org, ticket],
        );
      }
    });

    it('with no tenant setting, every ticket table shows no rows (fail closed)', async () => {
      for (const table of TABLES) {
        const [owner] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        expect({ table, exists: owner.n > 0 }).toEqual({ table, exists: true });
        const seen = await asApp(sql, {}, () => sql.query(`SELECT 1 FROM ${table}`));
        expect({ table, rows: seen.length }).toEqual({ table, rows: 0 });
      }
      const views = await asApp(sql, {}, () =>
        sql.query('SELECT 1 FROM ticket_summary UNION ALL SELECT 1 FROM user_workload'),
      );
      expect(views).toHaveLength(0);
    });

    it("org A's setting shows A's rows and hides B's in every table and view", async () => {
      const settings = { org: a.id, user: a.admin.id, role: 'ADMIN' };
      for (const table of [...TABLES, 'ticket_summary']) {
        const orgs = await asApp(sql, settings, () =>
          sql.query<{ organization_id: string }>(`SELECT DISTINCT organization_id FROM ${table}`),
        );
        expect({ table, orgs: orgs.map((r) => r.organization_id) }).toEqual({ table, orgs: [a.id] });
      }
      const updated = await asApp(sql, settings, () =>
        sql.query<{ id: string }>("UPDATE tickets SET title = 'hijack' WHERE id = ANY($1) RETURNING id", [
          [ticketA, ticketB],
        ]),
      );
      expect(updated.map((r) => r.id)).toEqual([ticketA]);
      await expect(
        asApp(sql, settings, () => sql.query("INSERT INTO tickets (organization_id, title) VALUES ($1, 'x')", [b.id])),
      ).rejects.toThrow(/row-level security/);
    });

    it("rejects composite foreign keys into another organization's rows", async () => {
      const contactB = await insertContact(sql, b.id);
      const listingB = await insertListing(sql, b.id);
      const attempts = [
        ["INSERT INTO tickets (organization_id, title, contact_id) VALUES ($1, 'x', $2)", [a.id, contactB]],
        ["INSERT INTO tickets (organization_id, title, listing_id) VALUES ($1, 'x', $2)", [a.id, listingB]],
        [
          'INSERT INTO ticket_assignees (organization_id, ticket_id, user_id) VALUES ($1, $2, $3)',
          [a.id, ticketA, b.admin.id],
        ],
        [
          'INSERT INTO ticket_assignees (organization_id, ticket_id, user_id) VALUES ($1, $2, $3)',
          [a.id, ticketB, agent.id],
        ],
        ["INSERT INTO ticket_comments (organization_id, ticket_id, body) VALUES ($1, $2, 'x')", [a.id, ticketB]],
        [
          `INSERT INTO ticket_attachments (organization_id, ticket_id, file_name, file_size, mime_type, storage_path)
           VALUES ($1, $2, 'a', 1, 'text/plain', $1::uuid::text || '/' || $2::uuid::text || '/x')`,
          [a.id, ticketB],
        ],
        [
          `INSERT INTO ticket_share_links (organization_id, ticket_id, token_hash, expires_at)
           VALUES ($1, $2, repeat('a', 64), now() + interval '1 hour')`,
          [a.id, ticketB],
        ],
        [
          "INSERT INTO ticket_status_history (organization_id, ticket_id, to_status) VALUES ($1, $2, 'OPEN')",
          [a.id, ticketB],
        ],
      ] as const;
      for (const [statement, params] of attempts) {
        await expect(sql.query(statement, [...params])).rejects.toThrow(/foreign key/);
      }
      // Control: the same statement within one organization works.
      await sql.query('INSERT INTO ticket_assignees (organization_id, ticket_id, user_id) VALUES ($1, $2, $3)', [
        a.id,
        hiddenFromAgent,
        manager.id,
      ]);
    });

    it('limits an AGENT to tickets they created or are assigned to, in every child table too', async () => {
      const settings = { org: a.id, user: agent.id, role: 'AGENT' };
      for (const table of TABLES.filter((x) => x !== 'ticket_counters')) {
        const column = table === 'tickets' ? 'id' : 'ticket_id';
        const seen = await asApp(sql, settings, () =>
          sql.query<{ t: string }>(`SELECT DISTINCT ${column} AS t FROM ${table} WHERE ${column} = ANY($1)`, [
            [ticketA, hiddenFromAgent],
          ]),
        );
        expect({ table, seen: seen.map((r) => r.t) }).toEqual({ table, seen: [ticketA] });
      }
      const touched = await asApp(sql, settings, () =>
        sql.query("UPDATE tickets SET title = 'x' WHERE id = $1 RETURNING id", [hiddenFromAgent]),
      );
      expect(touched).toHaveLength(0);
      await expect(
        asApp(sql, settings, () =>
          sql.query(
            "INSERT INTO ticket_comments (organization_id, ticket_id, body, created_by_id) VALUES ($1, $2, 'x', $3)",
            [a.id, hiddenFromAgent, agent.id],
          ),
        ),
      ).rejects.toThrow(/row-level security/);
      // An agent creating a ticket owns it, so may see it; creating one for someone else is refused.
      const own = await asApp(sql, settings, () =>
        sql.query("INSERT INTO tickets (organization_id, title, created_by_id) VALUES ($1, 'x', $2) RETURNING id", [
          a.id,
          agent.id,
        ]),
      );
      expect(own).toHaveLength(1);
      await expect(
        asApp(sql, settings, () =>
          sql.query("INSERT INTO tickets (organization_id, title, created_by_id) VALUES ($1, 'x', $2)", [
            a.id,
            a.admin.id,
          ]),
        ),
      ).rejects.toThrow(/row-level security/);
    });

    it('refuses writes for a VIEWER, and keeps the history append-only and truthful', async () => {
      const viewerSettings = { org: a.id, user: viewer.id, role: 'VIEWER' };
      await expect(
        asApp(sql, viewerSettings, () =>
          sql.query("INSERT INTO tickets (organization_id, title) VALUES ($1, 'x')", [a.id]),
        ),
      ).rejects.toThrow(/row-level security/);
      const changed = await asApp(sql, viewerSettings, () =>
        sql.query("UPDATE tickets SET status = 'CLOSED' WHERE id = $1 RETURNING id", [ticketA]),
      );
      expect(changed).toHaveLength(0);

      const adminSettings = { org: a.id, user: a.admin.id, role: 'ADMIN' };
      for (const statement of [
        'UPDATE ticket_status_history SET note = $2 WHERE ticket_id = $1',
        'DELETE FROM ticket_status_history WHERE ticket_id = $1',
      ]) {
        await expect(
          asApp(sql, adminSettings, () => sql.query(statement, statement.includes('$2') ? [ticketA, 'x'] : [ticketA])),
        ).rejects.toThrow(/permission denied/);
      }
      // A forged row (a status the ticket is not in, or someone else's name) is refused...
      for (const [to, by] of [
        ['CLOSED', a.admin.id],
        ['OPEN', agent.id],
      ]) {
        await expect(
          asApp(sql, adminSettings, () =>
            sql.query(
              'INSERT INTO ticket_status_history (organization_id, ticket_id, to_status, changed_by_id) VALUES ($1, $2, $3, $4)',
              [a.id, ticketA, to, by],
            ),
          ),
        ).rejects.toThrow(/row-level security/);
      }
      // ...while a status change through the table records itself.
      const history = await asApp(sql, adminSettings, async () => {
        await sql.query("SELECT set_config('app.status_note', 'via SQL', true)");
        await sql.query("UPDATE tickets SET status = 'IN_PROGRESS' WHERE id = $1", [ticketA]);
        return sql.query<{ to_status: string; note: string; changed_by_id: string }>(
          'SELECT to_status, note, changed_by_id FROM ticket_status_history WHERE ticket_id = $1 ORDER BY changed_at DESC LIMIT 1',
          [ticketA],
        );
      });
      expect(history).toEqual([{ to_status: 'IN_PROGRESS', note: 'via SQL', changed_by_id: a.admin.id }]);
    });

    it('without a user (customer view) shows only the shared ticket, never internal comments, and allows only customer comments', async () => {
      const publicSettings = { org: a.id, role: 'VIEWER' };
      const inShare = <T>(ticket: string, fn: () => Promise<T>) =>
        asApp(sql, publicSettings, async () => {
          await sql.query("SELECT set_config('app.share_ticket_id', $1, true)", [ticket]);
          return fn();
        });
      const tickets = await inShare(ticketA, () => sql.query<{ id: string }>('SELECT id FROM tickets'));
      expect(tickets.map((r) => r.id)).toEqual([ticketA]);
      const comments = await inShare(ticketA, () =>
        sql.query<{ body: string }>('SELECT body FROM ticket_comments ORDER BY created_at'),
      );
      expect(comments.map((c) => c.body)).toEqual(['public']);
      for (const table of ['ticket_attachments', 'ticket_assignees', 'ticket_share_links', 'ticket_status_history']) {
        expect({ table, rows: (await inShare(ticketA, () => sql.query(`SELECT 1 FROM ${table}`))).length }).toEqual({
          table,
          rows: 0,
        });
      }
      // No share ticket set: nothing at all.
      expect(await asApp(sql, publicSettings, () => sql.query('SELECT 1 FROM tickets'))).toHaveLength(0);

      const customer = await inShare(ticketA, () =>
        sql.query(
          "INSERT INTO ticket_comments (organization_id, ticket_id, body, author_type) VALUES ($1, $2, 'hi', 'CUSTOMER') RETURNING id",
          [a.id, ticketA],
        ),
      );
      expect(customer).toHaveLength(1);
      for (const [ticket, authorType, internal] of [
        [ticketA, 'MEMBER', false],
        [ticketA, 'CUSTOMER', true],
        [hiddenFromAgent, 'CUSTOMER', false],
      ] as const) {
        await expect(
          inShare(ticketA, () =>
            sql.query(
              'INSERT INTO ticket_comments (organization_id, ticket_id, body, author_type, is_internal) VALUES ($1, $2, $3, $4, $5)',
              [a.id, ticket, 'x', authorType, internal],
            ),
          ),
        ).rejects.toThrow(/row-level security|ticket_comments_customer_public/);
      }
    });
  });

  it('runs on the database the suite was asked for', () => {
    expect(Boolean(t.db.url)).toBe(usingPostgres());
  });
});
