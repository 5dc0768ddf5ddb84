import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';

function expectError(res: { status: number; body: any }, statusCode: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status: statusCode });
  expect(res.body).toMatchObject({ statusCode, message: expect.any(String), requestId: expect.any(String) });
  if (code) expect(res.body.code).toBe(code);
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

const STATUSES = ['NEW_LEAD', 'IN_CONTACT', 'QUALIFIED', 'UNQUALIFIED', 'LOST'] as const;
// Written out from the issue, independently of src/leads/lead-status.ts.
const ALLOWED = new Set([
  'NEW_LEAD>IN_CONTACT',
  'NEW_LEAD>LOST',
  'IN_CONTACT>QUALIFIED',
  'IN_CONTACT>UNQUALIFIED',
  'IN_CONTACT>LOST',
  'QUALIFIED>LOST',
  'LOST>IN_CONTACT',
  'UNQUALIFIED>IN_CONTACT',
  ...STATUSES.map((s) => `${s}>${s}`),
]);

// Criteria that meet the default qualification rule (docs/lead-scoring.md).
const MET = { preApproved: true, budgetConfirmed: true, timelineMonths: 3 };

describe('lead workflow: status, qualify, assign, duplicates, merge', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let agent2: User;
  let viewer: User;

  const lead = (user: User, org: Org, body: Record<string, unknown> = {}) => createLead(t.http, user, org.id, body);
  const dbLead = async (id: string) =>
    (
      await t.db.admin.query<{
        status: string;
        score_value: number;
        assigned_to_id: string | null;
        deleted_at: Date | null;
        updated_at: Date;
        tags: string[];
        email: string | null;
        phone: string | null;
        company: string | null;
        notes: string | null;
      }>('SELECT * FROM leads WHERE id = $1', [id])
    )[0];
  const notificationsOf = async (user: User, org: Org) =>
    (await t.http.get('/v1/notifications?pageSize=100').set(as(user, org.id)).expect(200)).body.data as any[];

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    agent2 = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
  });

  describe('status transitions through PATCH', () => {
    const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

    it.each(pairs)('%s → %s', async (from, to) => {
      const created = await lead(a.admin, a, { status: from });
      const res = await t.http.patch(`/v1/leads/${created.id}`).set(as(a.admin, a.id)).send({ status: to });
      if (ALLOWED.has(`${from}>${to}`)) {
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(to);
      } else {
        expectError(res, 422, 'INVALID_STATUS_TRANSITION');
        expect(res.body.details).toEqual([
          expect.objectContaining({ field: 'status', message: expect.stringMatching(/^allowed: /) }),
        ]);
        expect((await dbLead(created.id)).status).toBe(from);
      }
    });

    it('names the allowed next statuses in details', async () => {
      const created = await lead(a.admin, a);
      const res = await t.http.patch(`/v1/leads/${created.id}`).set(as(a.admin, a.id)).send({ status: 'QUALIFIED' });
      expectError(res, 422, 'INVALID_STATUS_TRANSITION');
      expect(res.body.details).toEqual([
        expect.objectContaining({ field: 'status', message: 'allowed: IN_CONTACT, LOST' }),
      ]);
    });

    it.each(STATUSES)('refuses %s → CONVERTED through PATCH (only convert gets there)', async (from) => {
      const created = await lead(a.admin, a, { status: from });
      const res = await t.http.patch(`/v1/leads/${created.id}`).set(as(a.admin, a.id)).send({ status: 'CONVERTED' });
      expectError(res, 422, 'INVALID_STATUS_TRANSITION');
      expect(res.body.message).toMatch(/convert/);
      expect((await dbLead(created.id)).status).toBe(from);
    });

    it('keeps CONVERTED final: every other status is refused, the same one is a no-op, other fields still change', async () => {
      const created = await lead(a.admin, a, { status: 'QUALIFIED' });
      await t.http.post(`/v1/leads/${created.id}/convert`).set(as(a.admin, a.id)).send({}).expect(200);
      for (const to of STATUSES) {
        const res = await t.http.patch(`/v1/leads/${created.id}`).set(as(a.admin, a.id)).send({ status: to });
        expectError(res, 422, 'INVALID_STATUS_TRANSITION');
        expect(res.body.details).toEqual([
          expect.objectContaining({ field: 'status', message: 'allowed: none (CONVERTED is final)' }),
        ]);
      }
      const same = await t.http
        .patch(`/v1/leads/${created.id}`)
        .set(as(a.admin, a.id))
        .send({ status: 'CONVERTED', timeline: 'closed' })
        .expect(200);
      expect(same.body).toMatchObject({ status: 'CONVERTED', timeline: 'closed' });
    });

    it('refuses creating a lead CONVERTED (422) and creates one in every other status', async () => {
      const res = await t.http.post('/v1/leads').set(as(a.admin, a.id)).send({ name: 'Conv', status: 'CONVERTED' });
      expectError(res, 422, 'INVALID_STATUS_TRANSITION');
      const rows = await t.db.admin.query('SELECT 1 FROM leads WHERE organization_id = $1 AND name = $2', [
        a.id,
        'Conv',
      ]);
      expect(rows).toHaveLength(0);
      for (const status of STATUSES) expect((await lead(a.admin, a, { status })).status).toBe(status);
    });
  });

  describe('qualify', () => {
    it('moves IN_CONTACT → QUALIFIED, sets the score and appends the notes', async () => {
      const created = await lead(agent, a, { status: 'IN_CONTACT', notes: 'First call went well' });
      const res = await t.http
        .post(`/v1/leads/${created.id}/qualify`)
        .set(as(agent, a.id))
        .send({ ...MET, scoreValue: 82, notes: 'Pre-approved' })
        .expect(200);
      expect(res.body.lead).toMatchObject({
        id: created.id,
        status: 'QUALIFIED',
        scoreValue: 82,
        score: 'HOT',
        notes: 'First call went well\n\nPre-approved',
      });
      const again = await t.http
        .post(`/v1/leads/${created.id}/qualify`)
        .set(as(agent, a.id))
        .send({ ...MET, scoreValue: 60 })
        .expect(200);
      expect(again.body.lead).toMatchObject({
        status: 'QUALIFIED',
        score: 'WARM',
        notes: 'First call went well\n\nPre-approved',
      });
    });

    it.each([
      [39, 'COLD'],
      [40, 'WARM'],
      [69, 'WARM'],
      [70, 'HOT'],
      [0, 'COLD'],
      [100, 'HOT'],
    ])('derives the score bucket in the database: %i → %s', async (scoreValue, score) => {
      const created = await lead(a.admin, a, { status: 'IN_CONTACT' });
      const res = await t.http
        .post(`/v1/leads/${created.id}/qualify`)
        .set(as(a.admin, a.id))
        .send({ ...MET, scoreValue })
        .expect(200);
      expect(res.body.lead).toMatchObject({ scoreValue, score });
      const [row] = await t.db.admin.query<{ score: string }>('SELECT score FROM leads WHERE id = $1', [created.id]);
      expect(row.score).toBe(score);
    });

    it('refuses a lead that cannot become QUALIFIED (422) and leaves it unchanged', async () => {
      const created = await lead(a.admin, a, { scoreValue: 5 });
      const res = await t.http
        .post(`/v1/leads/${created.id}/qualify`)
        .set(as(a.admin, a.id))
        .send({ ...MET, scoreValue: 90, notes: 'x' });
      expectError(res, 422, 'INVALID_STATUS_TRANSITION');
      expect(res.body.details).toEqual([
        expect.objectContaining({ field: 'status', message: 'allowed: IN_CONTACT, LOST' }),
      ]);
      expect(await dbLead(created.id)).toMatchObject({ status: 'NEW_LEAD', score_value: 5, notes: null });
    });

    it.each([
      {},
      { scoreValue: 50 },
      { ...MET, scoreValue: 101 },
      { ...MET, scoreValue: -1 },
      { ...MET, scoreValue: 5.5 },
      { ...MET, scoreValue: 50, extra: 1 },
    ])('rejects the body %j with 400', async (body) => {
      const created = await lead(a.admin, a, { status: 'IN_CONTACT' });
      expectError(
        await t.http.post(`/v1/leads/${created.id}/qualify`).set(as(a.admin, a.id)).send(body),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('is refused to a VIEWER (403) and to an AGENT on a lead not theirs (404)', async () => {
      const created = await lead(a.admin, a, { status: 'IN_CONTACT' });
      const send = (u: User) =>
        t.http
          .post(`/v1/leads/${created.id}/qualify`)
          .set(as(u, a.id))
          .send({ ...MET, scoreValue: 50 });
      expectError(await send(viewer), 403, 'FORBIDDEN');
      expectError(await send(agent), 404, 'NOT_FOUND');
      expect((await dbLead(created.id)).status).toBe('IN_CONTACT');
      await send(manager).expect(200);
    });
  });

  describe('assign', () => {
    it('lets an ADMIN or MANAGER assign, and notifies only the assignee, in the same transaction', async () => {
      const created = await lead(a.admin, a, { name: 'Ada Assign' });
      const res = await t.http
        .post(`/v1/leads/${created.id}/assign`)
        .set(as(a.admin, a.id))
        .send({ assignedToId: agent.id })
        .expect(200);
      expect(res.body.assignedToId).toBe(agent.id);

      const mine = (await notificationsOf(agent, a)).filter((n) => n.data?.leadId === created.id);
      expect(mine).toEqual([
        expect.objectContaining({
          type: 'LEAD_ASSIGNED',
          title: 'Lead assigned to you: Ada Assign',
          data: { leadId: created.id },
          readAt: null,
        }),
      ]);
      for (const other of [agent2, manager, a.admin]) {
        expect((await notificationsOf(other, a)).filter((n) => n.data?.leadId === created.id)).toEqual([]);
      }
      // Org B's admin sees nothing of A's notifications in their own org.
      expect((await notificationsOf(b.admin, b)).map((n) => n.data?.leadId)).not.toContain(created.id);

      // The MANAGER reassigns: agent2 is told; re-assigning the same person tells nobody again.
      await t.http
        .post(`/v1/leads/${created.id}/assign`)
        .set(as(manager, a.id))
        .send({ assignedToId: agent2.id })
        .expect(200);
      await t.http
        .post(`/v1/leads/${created.id}/assign`)
        .set(as(manager, a.id))
        .send({ assignedToId: agent2.id })
        .expect(200);
      expect((await notificationsOf(agent2, a)).filter((n) => n.data?.leadId === created.id)).toHaveLength(1);
      // The new assignee now sees the lead; the former one no longer does.
      await t.http.get(`/v1/leads/${created.id}`).set(as(agent2, a.id)).expect(200);
      await t.http.get(`/v1/leads/${created.id}`).set(as(agent, a.id)).expect(404);
    });

    it('does not notify someone who assigns a lead to themself', async () => {
      const created = await lead(a.admin, a);
      await t.http
        .post(`/v1/leads/${created.id}/assign`)
        .set(as(manager, a.id))
        .send({ assignedToId: manager.id })
        .expect(200);
      expect((await notificationsOf(manager, a)).filter((n) => n.data?.leadId === created.id)).toEqual([]);
    });

    it('is for ADMIN and MANAGER only: an AGENT or VIEWER gets 403 and nothing changes', async () => {
      const created = await lead(agent, a);
      for (const u of [agent, viewer]) {
        expectError(
          await t.http.post(`/v1/leads/${created.id}/assign`).set(as(u, a.id)).send({ assignedToId: agent2.id }),
          403,
          'FORBIDDEN',
        );
      }
      expect((await dbLead(created.id)).assigned_to_id).toBeNull();
      expect((await notificationsOf(agent2, a)).filter((n) => n.data?.leadId === created.id)).toEqual([]);
    });

    it('refuses a VIEWER, a non-member or another organization’s member as assignee (422 INVALID_ASSIGNEE)', async () => {
      const created = await lead(a.admin, a);
      for (const assignedToId of [viewer.id, randomUUID(), b.admin.id]) {
        const res = await t.http.post(`/v1/leads/${created.id}/assign`).set(as(a.admin, a.id)).send({ assignedToId });
        expectError(res, 422, 'INVALID_ASSIGNEE');
        expect(res.body.details).toEqual([
          expect.objectContaining({ field: 'assignedToId', message: expect.any(String) }),
        ]);
      }
      expect((await dbLead(created.id)).assigned_to_id).toBeNull();
      expectError(
        await t.http.post(`/v1/leads/${created.id}/assign`).set(as(a.admin, a.id)).send({ assignedToId: null }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('applies the same rule to PATCH and create: managers assign, an AGENT only creates leads for themself', async () => {
      const own = await lead(agent, a);
      expectError(
        await t.http.patch(`/v1/leads/${own.id}`).set(as(agent, a.id)).send({ assignedToId: agent2.id }),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http.post('/v1/leads').set(as(agent, a.id)).send({ name: 'For someone else', assignedToId: agent2.id }),
        403,
        'FORBIDDEN',
      );
      const forMe = await lead(agent, a, { assignedToId: agent.id });
      expect(forMe.assignedToId).toBe(agent.id);
      expectError(
        await t.http.patch(`/v1/leads/${own.id}`).set(as(a.admin, a.id)).send({ assignedToId: viewer.id }),
        422,
        'INVALID_ASSIGNEE',
      );
      const patched = await t.http
        .patch(`/v1/leads/${own.id}`)
        .set(as(a.admin, a.id))
        .send({ assignedToId: agent2.id })
        .expect(200);
      expect(patched.body.assignedToId).toBe(agent2.id);
      expect((await notificationsOf(agent2, a)).filter((n) => n.data?.leadId === own.id)).toHaveLength(1);
      const created = await lead(manager, a, { assignedToId: agent.id });
      expect((await notificationsOf(agent, a)).filter((n) => n.data?.leadId === created.id)).toHaveLength(1);
    });
  });

  describe('duplicates on create', () => {
    let org: Org;
    let existing: Record<string, any>;

    beforeAll(async () => {
      org = await createOrg(t.http, 'Dupes');
      existing = await lead(org.admin, org, {
        name: 'Maria Gonzalez',
        email: 'Maria.Gonzalez@Example.com',
        phone: '+1 (415) 555-0134',
      });
    });

    it.each([
      ['the same email in another case', { email: '  maria.gonzalez@example.COM ' }, 'email'],
      ['the same phone written differently', { phone: '1.415.555.0134' }, 'phone'],
    ])('refuses %s with 409 DUPLICATE_LEAD naming the existing lead', async (_, body, field) => {
      const res = await t.http
        .post('/v1/leads')
        .set(as(org.admin, org.id))
        .send({ name: 'Someone', ...body });
      expectError(res, 409, 'DUPLICATE_LEAD');
      expect(res.body.details).toEqual([
        { field, message: `a live lead already has this ${field}`, code: 'NOT_UNIQUE' },
      ]);
      expect(res.body.ref).toEqual({ leadIds: [existing.id] });
      const rows = await t.db.admin.query('SELECT 1 FROM leads WHERE organization_id = $1', [org.id]);
      expect(rows).toHaveLength(1);
    });

    it('lets only one of several concurrent creates with the same email through', async () => {
      const email = `race-${randomUUID()}@example.com`;
      const send = (name: string) => t.http.post('/v1/leads').set(as(org.admin, org.id)).send({ name, email });
      const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => send(`Racer ${i}`)));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      const rows = await t.db.admin.query('SELECT 1 FROM leads WHERE organization_id = $1 AND email = $2', [
        org.id,
        email,
      ]);
      expect(rows).toHaveLength(1);
    });

    it('creates it anyway with allowDuplicate=true, and validates that flag', async () => {
      const res = await t.http
        .post('/v1/leads?allowDuplicate=true')
        .set(as(org.admin, org.id))
        .send({ name: 'Maria G', email: 'maria.gonzalez@example.com' })
        .expect(201);
      expect(res.body.id).not.toBe(existing.id);
      expectError(
        await t.http.post('/v1/leads?allowDuplicate=yes').set(as(org.admin, org.id)).send({ name: 'X' }),
        400,
        'VALIDATION_FAILED',
      );
      await t.http.delete(`/v1/leads/${res.body.id}`).set(as(org.admin, org.id)).expect(204);
    });

    it('ignores deleted leads, other organizations, and a different phone or email', async () => {
      const gone = await lead(org.admin, org, { email: 'gone@example.com' });
      await t.http.delete(`/v1/leads/${gone.id}`).set(as(org.admin, org.id)).expect(204);
      await lead(org.admin, org, { email: 'GONE@example.com' });
      await lead(a.admin, a, { email: 'maria.gonzalez@example.com', phone: '+1 415 555 0134' });
      await lead(org.admin, org, { email: 'maria.gonzalez@example.org', phone: '+1 415 555 0135' });
    });
  });

  describe('GET /leads/{id}/duplicates', () => {
    it('lists same email, same phone and same name (any case), strongest first, with what matched', async () => {
      const org = await createOrg(t.http, 'DupList');
      const target = await lead(org.admin, org, {
        name: 'Sam Rivera',
        email: 'sam@example.com',
        phone: '415-555-0199',
      });
      const byName = await lead(org.admin, org, { name: '  SAM rivera ' });
      const byPhone = await t.http
        .post('/v1/leads?allowDuplicate=true')
        .set(as(org.admin, org.id))
        .send({ name: 'S. Rivera', phone: '(415) 555 0199' })
        .expect(201);
      const byEmail = await t.http
        .post('/v1/leads?allowDuplicate=true')
        .set(as(org.admin, org.id))
        .send({ name: 'Samuel Rivera', email: 'SAM@example.com' })
        .expect(201);
      const both = await t.http
        .post('/v1/leads?allowDuplicate=true')
        .set(as(org.admin, org.id))
        .send({ name: 'Sam Rivera', email: 'sam@example.com', phone: '4155550199' })
        .expect(201);
      const deleted = await t.http
        .post('/v1/leads?allowDuplicate=true')
        .set(as(org.admin, org.id))
        .send({ name: 'Sam Rivera', email: 'sam@example.com' })
        .expect(201);
      await t.http.delete(`/v1/leads/${deleted.body.id}`).set(as(org.admin, org.id)).expect(204);
      await lead(org.admin, org, { name: 'Unrelated' });

      const res = await t.http.get(`/v1/leads/${target.id}/duplicates`).set(as(org.admin, org.id)).expect(200);
      expect(res.body.meta).toMatchObject({ total: 4, page: 1 });
      expect(res.body.data.map((d: any) => [d.id, d.matchedOn])).toEqual([
        [byPhone.body.id, ['phone']],
        [byEmail.body.id, ['email']],
        [both.body.id, ['email', 'phone', 'name']],
        [byName.id, ['name']],
      ]);
      expect(res.body.data[0]).not.toHaveProperty('organizationId');
      const page2 = await t.http
        .get(`/v1/leads/${target.id}/duplicates?pageSize=3&page=2`)
        .set(as(org.admin, org.id))
        .expect(200);
      expect(ids(page2.body.data)).toEqual([byName.id]);
    });
  });

  describe('merge', () => {
    let org: Org;
    let orgAgent: User;

    const insertActivity = (orgId: string, leadId: string, title: string) =>
      t.db.admin.query<{ id: string }>(
        "INSERT INTO activities (organization_id, type, title, lead_id) VALUES ($1, 'CALL', $2, $3) RETURNING id",
        [orgId, title, leadId],
      );
    const insertAppointment = (orgId: string, leadId: string) =>
      t.db.admin.query<{ id: string }>(
        `INSERT INTO appointments (organization_id, title, starts_at, ends_at, lead_id)
         VALUES ($1, 'Showing', now() + interval '1 day', now() + interval '25 hours', $2) RETURNING id`,
        [orgId, leadId],
      );
    const insertDeal = (orgId: string, leadId: string, deleted = false) =>
      t.db.admin.query<{ id: string }>(
        `INSERT INTO deals (organization_id, title, value, lead_id, deleted_at)
         VALUES ($1, 'Deal', 1000, $2, ${deleted ? 'now()' : 'NULL'}) RETURNING id`,
        [orgId, leadId],
      );

    beforeAll(async () => {
      org = await createOrg(t.http, 'Merge');
      orgAgent = await addMember(t.http, org, 'AGENT');
    });

    it('moves activities, appointments and deals, fills empty fields, unions tags and soft-deletes the duplicate', async () => {
      const target = await lead(org.admin, org, {
        name: 'Lee Park',
        email: 'lee@example.com',
        tags: ['buyer', 'vip'],
        customFields: { area: 'Mission' },
      });
      const dup = await t.http
        .post('/v1/leads?allowDuplicate=true')
        .set(as(org.admin, org.id))
        .send({
          name: 'Lee Park (web)',
          email: 'other@example.com',
          phone: '+1 415 555 0111',
          company: 'Park LLC',
          budget: '500000',
          tags: ['vip', 'condo'],
          customFields: { area: 'Noe', beds: 3 },
          assignedToId: orgAgent.id,
        })
        .expect(201);
      const [activity] = await insertActivity(org.id, dup.body.id, 'Call Lee');
      const [deal] = await insertDeal(org.id, dup.body.id);
      const [oldDeal] = await insertDeal(org.id, dup.body.id, true);
      const [keptActivity] = await insertActivity(org.id, target.id, 'Own');
      const [appointment] = await insertAppointment(org.id, dup.body.id);

      const res = await t.http
        .post(`/v1/leads/${target.id}/merge`)
        .set(as(org.admin, org.id))
        .send({ duplicateId: dup.body.id })
        .expect(200);
      expect(res.body).toMatchObject({
        id: target.id,
        name: 'Lee Park',
        email: 'lee@example.com',
        phone: '+1 415 555 0111',
        company: 'Park LLC',
        budget: '500000.00',
        tags: ['buyer', 'vip', 'condo'],
        customFields: { area: 'Mission', beds: 3 },
        assignedToId: orgAgent.id,
        deletedAt: null,
      });
      const moved = await t.db.admin.query<{ id: string; lead_id: string }>(
        `SELECT id, lead_id FROM activities WHERE id = ANY($1::uuid[])
         UNION ALL SELECT id, lead_id FROM deals WHERE id = ANY($1::uuid[])
         UNION ALL SELECT id, lead_id FROM appointments WHERE id = ANY($1::uuid[])`,
        [[activity.id, deal.id, oldDeal.id, keptActivity.id, appointment.id]],
      );
      expect(moved).toHaveLength(5);
      for (const row of moved) expect(row.lead_id).toBe(target.id);
      expect((await dbLead(dup.body.id)).deleted_at).not.toBeNull();
      await t.http.get(`/v1/leads/${dup.body.id}`).set(as(org.admin, org.id)).expect(404);
      // The assignee taken over from the duplicate is told.
      expect((await notificationsOf(orgAgent, org)).filter((n) => n.data?.leadId === target.id)).toHaveLength(1);
    });

    it('refuses merging a lead into itself (422 INVALID_MERGE)', async () => {
      const target = await lead(org.admin, org);
      const res = await t.http
        .post(`/v1/leads/${target.id}/merge`)
        .set(as(org.admin, org.id))
        .send({ duplicateId: target.id.toUpperCase() });
      expectError(res, 422, 'INVALID_MERGE');
      expect((await dbLead(target.id)).deleted_at).toBeNull();
    });

    it('refuses merging a converted duplicate away (422) and a deleted one (404); nothing changes', async () => {
      const target = await lead(org.admin, org);
      const converted = await lead(org.admin, org, { status: 'QUALIFIED' });
      await t.http.post(`/v1/leads/${converted.id}/convert`).set(as(org.admin, org.id)).send({}).expect(200);
      expectError(
        await t.http
          .post(`/v1/leads/${target.id}/merge`)
          .set(as(org.admin, org.id))
          .send({ duplicateId: converted.id }),
        422,
        'INVALID_MERGE',
      );
      const deleted = await lead(org.admin, org);
      await t.http.delete(`/v1/leads/${deleted.id}`).set(as(org.admin, org.id)).expect(204);
      expectError(
        await t.http.post(`/v1/leads/${target.id}/merge`).set(as(org.admin, org.id)).send({ duplicateId: deleted.id }),
        404,
        'NOT_FOUND',
      );
      expect((await dbLead(converted.id)).deleted_at).toBeNull();
      // The converted lead may absorb the other one instead.
      await t.http
        .post(`/v1/leads/${converted.id}/merge`)
        .set(as(org.admin, org.id))
        .send({ duplicateId: target.id })
        .expect(200);
    });

    it('lets an AGENT merge their own leads only; outside their own it is a 404 and nothing changes', async () => {
      const own1 = await lead(orgAgent, org, { tags: ['a'] });
      const own2 = await lead(orgAgent, org, { tags: ['b'] });
      const foreign = await lead(org.admin, org, { tags: ['c'] });
      const [act] = await insertActivity(org.id, foreign.id, 'Theirs');
      expectError(
        await t.http.post(`/v1/leads/${own1.id}/merge`).set(as(orgAgent, org.id)).send({ duplicateId: foreign.id }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await t.http.post(`/v1/leads/${foreign.id}/merge`).set(as(orgAgent, org.id)).send({ duplicateId: own1.id }),
        404,
        'NOT_FOUND',
      );
      expect((await dbLead(foreign.id)).deleted_at).toBeNull();
      expect((await dbLead(own1.id)).tags).toEqual(['a']);
      const [actRow] = await t.db.admin.query<{ lead_id: string }>('SELECT lead_id FROM activities WHERE id = $1', [
        act.id,
      ]);
      expect(actRow.lead_id).toBe(foreign.id);
      const ok = await t.http
        .post(`/v1/leads/${own1.id}/merge`)
        .set(as(orgAgent, org.id))
        .send({ duplicateId: own2.id })
        .expect(200);
      expect(ok.body.tags).toEqual(['a', 'b']);
    });

    it('is refused to a VIEWER (403)', async () => {
      const viewerM = await addMember(t.http, org, 'VIEWER');
      const [x, y] = [await lead(org.admin, org), await lead(org.admin, org)];
      expectError(
        await t.http.post(`/v1/leads/${x.id}/merge`).set(as(viewerM, org.id)).send({ duplicateId: y.id }),
        403,
        'FORBIDDEN',
      );
      expect((await dbLead(y.id)).deleted_at).toBeNull();
    });
  });

  describe('AGENT scope on the new routes', () => {
    it('cannot see the duplicates of, qualify, or convert a lead outside their own (404)', async () => {
      const foreign = await lead(a.admin, a, { status: 'IN_CONTACT' });
      expectError(await t.http.get(`/v1/leads/${foreign.id}/duplicates`).set(as(agent, a.id)), 404, 'NOT_FOUND');
      expectError(await t.http.post(`/v1/leads/${foreign.id}/convert`).set(as(agent, a.id)).send({}), 404, 'NOT_FOUND');
      const own = await lead(agent, a);
      await t.http.get(`/v1/leads/${own.id}/duplicates`).set(as(agent, a.id)).expect(200);
      expect((await dbLead(foreign.id)).status).toBe('IN_CONTACT');
    });
  });

  describe('includeDeleted', () => {
    it('shows deleted leads with deletedAt to an ADMIN; a MANAGER, AGENT or VIEWER gets 403', async () => {
      const gone = await lead(a.admin, a, { name: 'Deleted Dora' });
      await t.http.delete(`/v1/leads/${gone.id}`).set(as(a.admin, a.id)).expect(204);
      const plain = await t.http.get('/v1/leads?q=Dora').set(as(a.admin, a.id)).expect(200);
      expect(plain.body.data).toEqual([]);
      const withDeleted = await t.http.get('/v1/leads?q=Dora&includeDeleted=true').set(as(a.admin, a.id)).expect(200);
      expect(withDeleted.body.data).toEqual([expect.objectContaining({ id: gone.id, deletedAt: expect.any(String) })]);
      await t.http.get('/v1/leads?q=Dora&includeDeleted=false').set(as(manager, a.id)).expect(200);
      for (const u of [manager, agent, viewer]) {
        expectError(await t.http.get('/v1/leads?includeDeleted=true').set(as(u, a.id)), 403, 'FORBIDDEN');
      }
      expectError(await t.http.get('/v1/leads?includeDeleted=maybe').set(as(a.admin, a.id)), 400, 'VALIDATION_FAILED');
      // B's admin, including deleted rows, still sees nothing of A.
      const listB = await t.http.get('/v1/leads?includeDeleted=true&pageSize=100').set(as(b.admin, b.id)).expect(200);
      expect(ids(listB.body.data)).not.toContain(gone.id);
    });
  });

  describe('cross-tenant', () => {
    it("answers 404 to org B on org A's lead for qualify, assign, duplicates and merge, beside A's allowed control", async () => {
      const target = await lead(a.admin, a, { status: 'IN_CONTACT' });
      const other = await lead(a.admin, a);
      const bLead = await lead(b.admin, b);
      const bAgent = await addMember(t.http, b, 'AGENT');

      expectError(
        await t.http
          .post(`/v1/leads/${target.id}/qualify`)
          .set(as(b.admin, b.id))
          .send({ ...MET, scoreValue: 50 }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await t.http.post(`/v1/leads/${target.id}/assign`).set(as(b.admin, b.id)).send({ assignedToId: bAgent.id }),
        404,
        'NOT_FOUND',
      );
      expectError(await t.http.get(`/v1/leads/${target.id}/duplicates`).set(as(b.admin, b.id)), 404, 'NOT_FOUND');
      expectError(
        await t.http.post(`/v1/leads/${target.id}/merge`).set(as(b.admin, b.id)).send({ duplicateId: bLead.id }),
        404,
        'NOT_FOUND',
      );
      // B merging A's lead into B's own lead: the duplicate is not found either.
      expectError(
        await t.http.post(`/v1/leads/${bLead.id}/merge`).set(as(b.admin, b.id)).send({ duplicateId: target.id }),
        404,
        'NOT_FOUND',
      );
      // Nothing changed in A or B.
      expect(await dbLead(target.id)).toMatchObject({ status: 'IN_CONTACT', assigned_to_id: null, deleted_at: null });
      expect((await dbLead(bLead.id)).deleted_at).toBeNull();

      // Control: A's admin may do all of it.
      await t.http
        .post(`/v1/leads/${target.id}/qualify`)
        .set(as(a.admin, a.id))
        .send({ ...MET, scoreValue: 50 })
        .expect(200);
      await t.http
        .post(`/v1/leads/${target.id}/assign`)
        .set(as(a.admin, a.id))
        .send({ assignedToId: agent.id })
        .expect(200);
      await t.http.get(`/v1/leads/${target.id}/duplicates`).set(as(a.admin, a.id)).expect(200);
      await t.http
        .post(`/v1/leads/${target.id}/merge`)
        .set(as(a.admin, a.id))
        .send({ duplicateId: other.id })
        .expect(200);
    });

    it('never returns another organization’s lead as a duplicate', async () => {
      const mine = await lead(b.admin, b, { name: 'Twin Name', email: 'twin@example.com' });
      const theirs = await lead(a.admin, a, { name: 'Twin Name', email: 'twin@example.com' });
      const res = await t.http.get(`/v1/leads/${mine.id}/duplicates`).set(as(b.admin, b.id)).expect(200);
      expect(ids(res.body.data)).not.toContain(theirs.id);
      const resA = await t.http.get(`/v1/leads/${theirs.id}/duplicates`).set(as(a.admin, a.id)).expect(200);
      expect(ids(resA.body.data)).not.toContain(mine.id);
    });
  });
});
