import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { createActivity, createContact, createDeal, createListing, minutesFromNow } from './helpers/records.js';
import { asApp } from './helpers/sql-as-app.js';

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((x) => x.id);

describe('activities', () => {
  const { t, a, b } = twoOrganizations();

  it('creates, reads, updates, lists and hard-deletes an activity', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    const created = await createActivity(t.http, a.admin, a.id, {
      type: 'TASK',
      title: '  Send disclosures  ',
      dueDate: '2030-01-02T10:00:00Z',
      durationMinutes: 30,
      leadId: lead.id,
    });
    expect(created).toMatchObject({
      type: 'TASK',
      title: 'Send disclosures',
      dueDate: '2030-01-02T10:00:00.000Z',
      completedAt: null,
      overdue: false,
      durationMinutes: 30,
      leadId: lead.id,
      contactId: null,
      assignedToId: a.admin.id, // defaults to the caller
      createdById: a.admin.id,
    });
    expect(created).not.toHaveProperty('organizationId');
    await t.http.get(`/v1/activities/${created.id}`).set(as(a.admin)).expect(200);
    const patched = await t.http
      .patch(`/v1/activities/${created.id}`)
      .set(as(a.admin))
      .send({ description: 'Both PDFs', assignedToId: null, title: null })
      .expect(200);
    expect(patched.body).toMatchObject({ description: 'Both PDFs', assignedToId: null, title: 'Send disclosures' });
    const list = await t.http.get(`/v1/activities?leadId=${lead.id}`).set(as(a.admin)).expect(200);
    expect(list.body.meta).toMatchObject({ total: 1, page: 1 });
    expect(ids(list)).toEqual([created.id]);
    await t.http.delete(`/v1/activities/${created.id}`).set(as(a.admin)).expect(204);
    await t.http.get(`/v1/activities/${created.id}`).set(as(a.admin)).expect(404);
    await t.http.delete(`/v1/activities/${created.id}`).set(as(a.admin)).expect(404);
  });

  it('requires at least one subject (422 ACTIVITY_SUBJECT_REQUIRED), on create and on update', async () => {
    const res = await t.http.post('/v1/activities').set(as(a.admin)).send({ type: 'NOTE', title: 'x' }).expect(422);
    expect(res.body.code).toBe('ACTIVITY_SUBJECT_REQUIRED');
    const contact = await createContact(t.http, a.admin, a.id);
    const act = await createActivity(t.http, a.admin, a.id, { contactId: contact.id });
    const patch = await t.http.patch(`/v1/activities/${act.id}`).set(as(a.admin)).send({ contactId: null }).expect(422);
    expect(patch.body.code).toBe('ACTIVITY_SUBJECT_REQUIRED');
    // Control: swapping the subject in the same request is fine.
    const listing = await createListing(t.http, a.admin, a.id);
    const swapped = await t.http
      .patch(`/v1/activities/${act.id}`)
      .set(as(a.admin))
      .send({ contactId: null, listingId: listing.id })
      .expect(200);
    expect(swapped.body).toMatchObject({ contactId: null, listingId: listing.id });
  });

  it('validates the body: unknown fields, bad enums, completedAt in the future', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    await t.http
      .post('/v1/activities')
      .set(as(a.admin))
      .send({ type: 'CALL', title: 'x', leadId: lead.id, foo: 1 })
      .expect(400);
    await t.http
      .post('/v1/activities')
      .set(as(a.admin))
      .send({ type: 'PIGEON', title: 'x', leadId: lead.id })
      .expect(400);
    const future = await t.http
      .post('/v1/activities')
      .set(as(a.admin))
      .send({ type: 'CALL', title: 'x', leadId: lead.id, completedAt: minutesFromNow(60) })
      .expect(400);
    expect(future.body.details).toEqual([
      expect.objectContaining({ field: 'completedAt', message: 'must not be in the future' }),
    ]);
  });

  it('refuses an assignee who is not a writing member (422 INVALID_ASSIGNEE)', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    const res = await t.http
      .post('/v1/activities')
      .set(as(a.admin))
      .send({ type: 'CALL', title: 'x', leadId: lead.id, assignedToId: b.admin.id })
      .expect(422);
    expect(res.body.code).toBe('INVALID_ASSIGNEE');
    const agent = await addMember(t.http, a, 'AGENT');
    const ok = await createActivity(t.http, a.admin, a.id, { leadId: lead.id, assignedToId: agent.id });
    expect(ok.assignedToId).toBe(agent.id);
  });

  describe('links across organizations', () => {
    it('rejects linking another organization’s lead, contact, deal or listing (422 INVALID_REFERENCE)', async () => {
      const [leadB, contactB, dealB, listingB] = [
        await createLead(t.http, b.admin, b.id),
        await createContact(t.http, b.admin, b.id),
        await createDeal(t.http, b.admin, b.id),
        await createListing(t.http, b.admin, b.id),
      ];
      const leadA = await createLead(t.http, a.admin, a.id);
      for (const [field, id] of [
        ['leadId', leadB.id],
        ['contactId', contactB.id],
        ['dealId', dealB.id],
        ['listingId', listingB.id],
      ]) {
        const res = await t.http
          .post('/v1/activities')
          .set(as(a.admin))
          .send({ type: 'CALL', title: 'x', [field]: id })
          .expect(422);
        expect(res.body).toMatchObject({ code: 'INVALID_REFERENCE', details: [{ field }] });
        // Alongside a valid link it is still refused, and nothing is written.
        await t.http
          .post('/v1/activities')
          .set(as(a.admin))
          .send({ type: 'CALL', title: 'x', leadId: leadA.id, [field]: id })
          .expect(422);
      }
      const own = await createActivity(t.http, a.admin, a.id, { leadId: leadA.id });
      await t.http.patch(`/v1/activities/${own.id}`).set(as(a.admin)).send({ dealId: dealB.id }).expect(422);
      const list = await t.http.get(`/v1/activities?leadId=${leadA.id}`).set(as(a.admin)).expect(200);
      expect(ids(list)).toEqual([own.id]);
    });

    it('rejects a soft-deleted record', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      await t.http.delete(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(204);
      const res = await t.http
        .post('/v1/activities')
        .set(as(a.admin))
        .send({ type: 'CALL', title: 'x', leadId: lead.id })
        .expect(422);
      expect(res.body.code).toBe('INVALID_REFERENCE');
    });

    it('is refused by the composite foreign keys in the database, even for the owner', async () => {
      const leadA = await createLead(t.http, a.admin, a.id);
      const leadB = await createLead(t.http, b.admin, b.id);
      const contactB = await createContact(t.http, b.admin, b.id);
      const insert = (col: string, id: string) =>
        t.db.admin.query(
          `INSERT INTO activities (organization_id, type, title, ${col}) VALUES ($1, 'CALL', 'x', $2) RETURNING id`,
          [a.id, id],
        );
      await expect(insert('lead_id', leadB.id)).rejects.toThrow(/foreign key/);
      await expect(insert('contact_id', contactB.id)).rejects.toThrow(/foreign key/);
      expect(await insert('lead_id', leadA.id)).toHaveLength(1);
      await expect(
        t.db.admin.query(`INSERT INTO activities (organization_id, type, title) VALUES ($1, 'NOTE', 'x')`, [a.id]),
      ).rejects.toThrow(/activities_has_subject/);
    });
  });

  describe('list filters', () => {
    let org: Org;
    let lead: Record<string, string>;
    let agent: User;
    const act: Record<string, string> = {};

    beforeAll(async () => {
      org = await createOrg(t.http, 'Filters');
      agent = await addMember(t.http, org, 'AGENT');
      lead = await createLead(t.http, org.admin, org.id);
      const contact = await createContact(t.http, org.admin, org.id);
      const mk = async (name: string, body: Record<string, unknown>) =>
        (act[name] = (await createActivity(t.http, org.admin, org.id, { title: name, leadId: lead.id, ...body })).id);
      // The overdue boundary: one minute either side of now.
      await mk('pastDue', { type: 'TASK', dueDate: minutesFromNow(-1) });
      await mk('dueSoon', { type: 'TASK', dueDate: minutesFromNow(1) });
      await mk('pastDueDone', { type: 'FOLLOW_UP', dueDate: minutesFromNow(-1), completedAt: minutesFromNow(-2) });
      await mk('undated', { type: 'NOTE' });
      await mk('agentCall', { type: 'CALL', assignedToId: agent.id, leadId: null, contactId: contact.id });
    });

    const list = async (query: string) =>
      ids(await t.http.get(`/v1/activities?pageSize=100&${query}`).set(as(org.admin, org.id)).expect(200));

    it('overdue=true is due before now and not completed; a minute ahead is not overdue', async () => {
      expect(await list('overdue=true')).toEqual([act.pastDue]);
      const rest = await list('overdue=false');
      expect(rest).toEqual(expect.arrayContaining([act.dueSoon, act.pastDueDone, act.undated, act.agentCall]));
      expect(rest).not.toContain(act.pastDue);
      const one = await t.http.get(`/v1/activities/${act.pastDue}`).set(as(org.admin, org.id)).expect(200);
      expect(one.body.overdue).toBe(true);
      const soon = await t.http.get(`/v1/activities/${act.dueSoon}`).set(as(org.admin, org.id)).expect(200);
      expect(soon.body.overdue).toBe(false);
    });

    it.each([
      ['type=TASK,FOLLOW_UP', ['pastDue', 'dueSoon', 'pastDueDone']],
      ['type=TASK&type=NOTE', ['pastDue', 'dueSoon', 'undated']],
      ['completed=true', ['pastDueDone']],
      ['completed=false&type=TASK', ['pastDue', 'dueSoon']],
    ])('filters by %s', async (query, expected) => {
      expect((await list(query)).sort()).toEqual(expected.map((n) => act[n]).sort());
    });

    it('filters by assignee, subject and due window', async () => {
      const members = await list(`assignedToId=${agent.id}`);
      expect(members).toEqual([act.agentCall]);
      expect((await list(`leadId=${lead.id}`)).sort()).toEqual(
        ['pastDue', 'dueSoon', 'pastDueDone', 'undated'].map((n) => act[n]).sort(),
      );
      const window = await list(
        `dueFrom=${encodeURIComponent(minutesFromNow(0))}&dueTo=${encodeURIComponent(minutesFromNow(5))}`,
      );
      expect(window).toEqual([act.dueSoon]);
      await t.http.get('/v1/activities?overdue=maybe').set(as(org.admin, org.id)).expect(400);
      await t.http.get('/v1/activities?type=PIGEON').set(as(org.admin, org.id)).expect(400);
    });

    it('sorts by dueDate (undated last), createdAt and completedAt', async () => {
      // pastDue's due date was computed a few ms before pastDueDone's; undated goes last both ways.
      expect(await list(`sort=dueDate&leadId=${lead.id}`)).toEqual(
        ['pastDue', 'pastDueDone', 'dueSoon', 'undated'].map((n) => act[n]),
      );
      expect(await list(`sort=-dueDate&leadId=${lead.id}`)).toEqual(
        ['dueSoon', 'pastDueDone', 'pastDue', 'undated'].map((n) => act[n]),
      );
      const newest = await list('sort=-createdAt');
      expect(newest[0]).toBe(act.agentCall);
      expect((await list('sort=-completedAt'))[0]).toBe(act.pastDueDone);
      await t.http.get('/v1/activities?sort=title').set(as(org.admin, org.id)).expect(400);
    });
  });

  describe('complete and reopen', () => {
    it('completes with an outcome, refuses to complete twice, reopens, refuses to reopen twice', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      const act = await createActivity(t.http, a.admin, a.id, {
        type: 'TASK',
        leadId: lead.id,
        dueDate: minutesFromNow(-5),
      });
      expect(act.overdue).toBe(true);
      const done = await t.http
        .post(`/v1/activities/${act.id}/complete`)
        .set(as(a.admin))
        .send({ outcome: 'Sent' })
        .expect(200);
      expect(done.body).toMatchObject({ outcome: 'Sent', overdue: false });
      expect(Date.now() - Date.parse(done.body.completedAt)).toBeLessThan(60_000);
      const again = await t.http.post(`/v1/activities/${act.id}/complete`).set(as(a.admin)).send({}).expect(409);
      expect(again.body.code).toBe('ACTIVITY_ALREADY_COMPLETED');
      const reopened = await t.http.post(`/v1/activities/${act.id}/reopen`).set(as(a.admin)).expect(200);
      expect(reopened.body).toMatchObject({ completedAt: null, overdue: true, outcome: 'Sent' });
      const twice = await t.http.post(`/v1/activities/${act.id}/reopen`).set(as(a.admin)).expect(409);
      expect(twice.body.code).toBe('ACTIVITY_NOT_COMPLETED');
      // No body at all is fine too.
      await t.http.post(`/v1/activities/${act.id}/complete`).set(as(a.admin)).expect(200);
    });
  });

  describe('last contact', () => {
    const getLead = async (id: string) => (await t.http.get(`/v1/leads/${id}`).set(as(a.admin)).expect(200)).body;
    const getContact = async (id: string) => (await t.http.get(`/v1/contacts/${id}`).set(as(a.admin)).expect(200)).body;

    it('a completed CALL sets the lead’s and contact’s lastContactAt and moves NEW_LEAD to IN_CONTACT', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      const contact = await createContact(t.http, a.admin, a.id);
      expect(lead).toMatchObject({ status: 'NEW_LEAD', lastContactAt: null });
      const at = '2026-11-20T15:30:00.000Z';
      await createActivity(t.http, a.admin, a.id, {
        type: 'CALL',
        leadId: lead.id,
        contactId: contact.id,
        completedAt: at,
      });
      expect(await getLead(lead.id)).toMatchObject({ status: 'IN_CONTACT', lastContactAt: at });
      expect((await getContact(contact.id)).lastContactAt).toBe(at);
      // A back-dated log does not move it backwards; a newer one moves it forward.
      await createActivity(t.http, a.admin, a.id, {
        type: 'EMAIL',
        leadId: lead.id,
        completedAt: '2026-11-01T00:00:00Z',
      });
      expect((await getLead(lead.id)).lastContactAt).toBe(at);
      const later = '2026-11-21T09:00:00.000Z';
      await createActivity(t.http, a.admin, a.id, { type: 'SHOWING', leadId: lead.id, completedAt: later });
      expect((await getLead(lead.id)).lastContactAt).toBe(later);
    });

    it('completing an open MEETING counts; a TASK, NOTE or an open CALL does not', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      await createActivity(t.http, a.admin, a.id, { type: 'TASK', leadId: lead.id, completedAt: minutesFromNow(-1) });
      await createActivity(t.http, a.admin, a.id, { type: 'NOTE', leadId: lead.id, completedAt: minutesFromNow(-1) });
      await createActivity(t.http, a.admin, a.id, { type: 'CALL', leadId: lead.id, dueDate: minutesFromNow(60) });
      expect(await getLead(lead.id)).toMatchObject({ status: 'NEW_LEAD', lastContactAt: null });
      const meeting = await createActivity(t.http, a.admin, a.id, { type: 'MEETING', leadId: lead.id });
      const done = await t.http.post(`/v1/activities/${meeting.id}/complete`).set(as(a.admin)).send({}).expect(200);
      expect(await getLead(lead.id)).toMatchObject({ status: 'IN_CONTACT', lastContactAt: done.body.completedAt });
    });

    it('leaves a lead beyond NEW_LEAD in its status', async () => {
      const lead = await createLead(t.http, a.admin, a.id, { status: 'LOST' });
      await createActivity(t.http, a.admin, a.id, { type: 'CALL', leadId: lead.id, completedAt: minutesFromNow(-1) });
      const after = await getLead(lead.id);
      expect(after.status).toBe('LOST');
      expect(after.lastContactAt).not.toBeNull();
    });
  });

  describe('roles', () => {
    let agent: User;
    let viewer: User;
    let otherAgent: User;

    beforeAll(async () => {
      agent = await addMember(t.http, a, 'AGENT');
      otherAgent = await addMember(t.http, a, 'AGENT');
      viewer = await addMember(t.http, a, 'VIEWER');
    });

    it('an AGENT sees activities they own or whose records they can see, and no others', async () => {
      const theirLead = await createLead(t.http, a.admin, a.id, { assignedToId: agent.id });
      const otherLead = await createLead(t.http, a.admin, a.id, { assignedToId: otherAgent.id });
      const listing = await createListing(t.http, a.admin, a.id);
      const onTheirLead = await createActivity(t.http, a.admin, a.id, { leadId: theirLead.id, assignedToId: null });
      const onOtherLead = await createActivity(t.http, a.admin, a.id, { leadId: otherLead.id, assignedToId: null });
      // Names a listing everyone sees, but also a lead the agent may not see: hidden.
      const mixed = await createActivity(t.http, a.admin, a.id, {
        leadId: otherLead.id,
        listingId: listing.id,
        assignedToId: null,
      });
      const assigned = await createActivity(t.http, a.admin, a.id, { leadId: otherLead.id, assignedToId: agent.id });
      const onListing = await createActivity(t.http, a.admin, a.id, { listingId: listing.id, assignedToId: null });
      const seen = ids(await t.http.get('/v1/activities?pageSize=100').set(as(agent)).expect(200));
      expect(seen).toEqual(expect.arrayContaining([onTheirLead.id, assigned.id, onListing.id]));
      expect(seen).not.toContain(onOtherLead.id);
      expect(seen).not.toContain(mixed.id);
      await t.http.get(`/v1/activities/${onOtherLead.id}`).set(as(agent)).expect(404);
      await t.http.patch(`/v1/activities/${onOtherLead.id}`).set(as(agent)).send({ title: 'x' }).expect(404);
      await t.http.delete(`/v1/activities/${onOtherLead.id}`).set(as(agent)).expect(404);
      await t.http.post(`/v1/activities/${onOtherLead.id}/complete`).set(as(agent)).send({}).expect(404);
      // Control: the admin sees all of them, and the agent works on their own.
      const all = ids(await t.http.get('/v1/activities?pageSize=100').set(as(a.admin)).expect(200));
      expect(all).toEqual(expect.arrayContaining([onOtherLead.id, mixed.id]));
      await t.http.post(`/v1/activities/${assigned.id}/complete`).set(as(agent)).send({}).expect(200);
      // An AGENT cannot link a lead they may not see.
      const res = await t.http
        .post('/v1/activities')
        .set(as(agent))
        .send({ type: 'CALL', title: 'x', leadId: otherLead.id })
        .expect(422);
      expect(res.body.code).toBe('INVALID_REFERENCE');
      const own = await createActivity(t.http, agent, a.id, { leadId: theirLead.id });
      expect(own).toMatchObject({ createdById: agent.id, assignedToId: agent.id });
    });

    it('a VIEWER reads but cannot write (403)', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      const act = await createActivity(t.http, a.admin, a.id, { leadId: lead.id });
      await t.http.get(`/v1/activities/${act.id}`).set(as(viewer)).expect(200);
      await t.http.get('/v1/activities').set(as(viewer)).expect(200);
      await t.http
        .post('/v1/activities')
        .set(as(viewer))
        .send({ type: 'CALL', title: 'x', leadId: lead.id })
        .expect(403);
      await t.http.patch(`/v1/activities/${act.id}`).set(as(viewer)).send({ title: 'x' }).expect(403);
      await t.http.delete(`/v1/activities/${act.id}`).set(as(viewer)).expect(403);
      await t.http.post(`/v1/activities/${act.id}/complete`).set(as(viewer)).send({}).expect(403);
      await t.http.post(`/v1/activities/${act.id}/reopen`).set(as(viewer)).expect(403);
    });
  });

  it("hides org A's activity from org B on every route, beside A's allowed control", async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    const act = await createActivity(t.http, a.admin, a.id, { leadId: lead.id, completedAt: minutesFromNow(-1) });
    const b404 = [
      t.http.get(`/v1/activities/${act.id}`).set(as(b.admin)),
      t.http.patch(`/v1/activities/${act.id}`).set(as(b.admin)).send({ title: 'hijack' }),
      t.http.delete(`/v1/activities/${act.id}`).set(as(b.admin)),
      t.http.post(`/v1/activities/${act.id}/complete`).set(as(b.admin)).send({}),
      t.http.post(`/v1/activities/${act.id}/reopen`).set(as(b.admin)),
    ];
    for (const res of await Promise.all(b404)) expect(res.status).toBe(404);
    expect(ids(await t.http.get('/v1/activities?pageSize=100').set(as(b.admin)).expect(200))).not.toContain(act.id);
    expect(ids(await t.http.get(`/v1/activities?leadId=${lead.id}`).set(as(b.admin)).expect(200))).toEqual([]);
    // Control: A still has it, unchanged.
    const still = await t.http.get(`/v1/activities/${act.id}`).set(as(a.admin)).expect(200);
    expect(still.body.title).toBe(act.title);
    expect(ids(await t.http.get('/v1/activities?pageSize=100').set(as(a.admin)).expect(200))).toContain(act.id);
    await t.http.post(`/v1/activities/${act.id}/reopen`).set(as(a.admin)).expect(200);
  });

  describe('row-level security as crm_app', () => {
    it('fails closed, hides the other organization and checks writes', async () => {
      const sql = t.db.admin;
      const leadA = await createLead(t.http, a.admin, a.id);
      const leadB = await createLead(t.http, b.admin, b.id);
      const actA = await createActivity(t.http, a.admin, a.id, { leadId: leadA.id });
      const actB = await createActivity(t.http, b.admin, b.id, { leadId: leadB.id });
      const q = () => sql.query<{ id: string }>('SELECT id FROM activities WHERE id = ANY($1)', [[actA.id, actB.id]]);
      expect(await q()).toHaveLength(2); // control: the owner sees both
      expect(await asApp(sql, {}, q)).toHaveLength(0);
      const seen = await asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, q);
      expect(seen.map((r) => r.id)).toEqual([actA.id]);
      await expect(
        asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
          sql.query(`INSERT INTO activities (organization_id, type, title, lead_id) VALUES ($1, 'CALL', 'x', $2)`, [
            b.id,
            leadB.id,
          ]),
        ),
      ).rejects.toThrow(/row-level security/);
    });

    it('limits an AGENT to their own activities and those of records they can see', async () => {
      const sql = t.db.admin;
      const agent = await addMember(t.http, a, 'AGENT');
      const theirs = await createLead(t.http, a.admin, a.id, { assignedToId: agent.id });
      const other = await createLead(t.http, a.admin, a.id);
      const visible = await createActivity(t.http, a.admin, a.id, { leadId: theirs.id, assignedToId: null });
      const hidden = await createActivity(t.http, a.admin, a.id, { leadId: other.id, assignedToId: null });
      const asAgent = { org: a.id, user: agent.id, role: 'AGENT' };
      const seen = await asApp(sql, asAgent, () =>
        sql.query<{ id: string }>('SELECT id FROM activities WHERE id = ANY($1)', [[visible.id, hidden.id]]),
      );
      expect(seen.map((r) => r.id)).toEqual([visible.id]);
      const touched = await asApp(sql, asAgent, () =>
        sql.query("UPDATE activities SET title = 'x' WHERE id = $1 RETURNING id", [hidden.id]),
      );
      expect(touched).toHaveLength(0);
      // As a MANAGER the same query sees both.
      const manager = await asApp(sql, { ...asAgent, role: 'MANAGER' }, () =>
        sql.query('SELECT id FROM activities WHERE id = ANY($1)', [[visible.id, hidden.id]]),
      );
      expect(manager).toHaveLength(2);
    });
  });
});
