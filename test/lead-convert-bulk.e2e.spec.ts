import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, type Org, type User, twoOrganizations } from './helpers/fixtures.js';

function expectError(res: { status: number; body: any }, statusCode: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status: statusCode });
  expect(res.body).toMatchObject({ statusCode, message: expect.any(String), requestId: expect.any(String) });
  if (code) expect(res.body.code).toBe(code);
}

interface LeadRowSnapshot {
  id: string;
  status: string;
  converted_contact_id: string | null;
  deleted_at: Date | null;
  updated_at: Date;
  tags: string[];
  score_value: number;
  assigned_to_id: string | null;
}

describe('lead conversion and bulk actions', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let viewer: User;

  const lead = (user: User, org: Org, body: Record<string, unknown> = {}) => createLead(t.http, user, org.id, body);
  const snapshot = (leadIds: string[]) =>
    t.db.admin.query<LeadRowSnapshot>(
      `SELECT id, status, converted_contact_id, deleted_at, updated_at, tags, score_value, assigned_to_id
       FROM leads WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [leadIds],
    );
  const contactsFrom = (leadId: string) =>
    t.db.admin.query<{ id: string }>('SELECT id FROM contacts WHERE source_lead_id = $1', [leadId]);
  const dealsOf = (leadId: string) =>
    t.db.admin.query<{ id: string }>('SELECT id FROM deals WHERE lead_id = $1', [leadId]);
  const insertListing = async (orgId: string, deleted = false) =>
    (
      await t.db.admin.query<{ id: string }>(
        `INSERT INTO listings (organization_id, title, address, city, state, zip_code, price, deleted_at)
         VALUES ($1, 'Main St', '123 Main St', 'SF', 'CA', '94110', 900000, ${deleted ? 'now()' : 'NULL'}) RETURNING id`,
        [orgId],
      )
    )[0].id;
  const DEAL = { title: '123 Main St purchase', value: '750000.5', expectedCloseDate: '2027-03-31' };

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
  });

  describe('convert', () => {
    it('creates a contact from the lead and marks it CONVERTED (no deal)', async () => {
      const source = await lead(a.admin, a, {
        name: 'Nora Quinn',
        email: 'nora@example.com',
        phone: '+1 415 555 0100',
        company: 'Quinn Co',
        status: 'QUALIFIED',
        tags: ['buyer'],
        assignedToId: agent.id,
      });
      const res = await t.http.post(`/v1/leads/${source.id}/convert`).set(as(manager, a.id)).send({}).expect(200);
      expect(res.body.deal).toBeNull();
      expect(res.body.contact).toMatchObject({
        name: 'Nora Quinn',
        email: 'nora@example.com',
        phone: '+1 415 555 0100',
        company: 'Quinn Co',
        tags: ['buyer'],
        sourceLeadId: source.id,
        assignedToId: agent.id,
        createdById: manager.id,
        type: 'PROSPECT',
        deletedAt: null,
      });
      expect(res.body.contact).not.toHaveProperty('organizationId');
      expect(res.body.lead).toMatchObject({
        id: source.id,
        status: 'CONVERTED',
        convertedContactId: res.body.contact.id,
      });
      await t.http.get(`/v1/contacts/${res.body.contact.id}`).set(as(a.admin, a.id)).expect(200);
      const got = await t.http.get(`/v1/leads/${source.id}`).set(as(a.admin, a.id)).expect(200);
      expect(got.body.convertedContactId).toBe(res.body.contact.id);
    });

    it('optionally opens a deal in stage QUALIFIED linked to the contact, the lead and a listing', async () => {
      const listingId = await insertListing(a.id);
      const source = await lead(a.admin, a, { status: 'IN_CONTACT', assignedToId: agent.id });
      const res = await t.http
        .post(`/v1/leads/${source.id}/convert`)
        .set(as(a.admin, a.id))
        .send({ createDeal: true, deal: { ...DEAL, listingId } })
        .expect(200);
      expect(res.body.deal).toMatchObject({
        title: '123 Main St purchase',
        value: '750000.50',
        stage: 'QUALIFIED',
        status: 'ACTIVE',
        probability: 25, // the stage's default, as for any deal created in QUALIFIED
        expectedCloseDate: '2027-03-31',
        leadId: source.id,
        contactId: res.body.contact.id,
        listingId,
        assignedToId: agent.id,
        createdById: a.admin.id,
      });
      const [row] = await t.db.admin.query<{ stage: string; value: string; contact_id: string }>(
        'SELECT stage, value::text, contact_id FROM deals WHERE id = $1',
        [res.body.deal.id],
      );
      expect(row).toEqual({ stage: 'QUALIFIED', value: '750000.50', contact_id: res.body.contact.id });
      // The contact's detail counts the new deal.
      const contact = await t.http.get(`/v1/contacts/${res.body.contact.id}`).set(as(a.admin, a.id)).expect(200);
      expect(contact.body.counts).toEqual({ deals: 1, openActivities: 0 });
    });

    it('refuses converting twice (409 LEAD_ALREADY_CONVERTED) and creates nothing more', async () => {
      const source = await lead(a.admin, a, { status: 'QUALIFIED' });
      const first = await t.http.post(`/v1/leads/${source.id}/convert`).set(as(a.admin, a.id)).send({}).expect(200);
      const again = await t.http
        .post(`/v1/leads/${source.id}/convert`)
        .set(as(a.admin, a.id))
        .send({ createDeal: true, deal: DEAL });
      expectError(again, 409, 'LEAD_ALREADY_CONVERTED');
      expect(again.body.ref).toEqual({ contactIds: [first.body.contact.id] });
      expect(await contactsFrom(source.id)).toHaveLength(1);
      expect(await dealsOf(source.id)).toHaveLength(0);
    });

    it('lets only one of two concurrent conversions through (the other gets 409)', async () => {
      const source = await lead(a.admin, a, { status: 'QUALIFIED' });
      const send = () =>
        t.http.post(`/v1/leads/${source.id}/convert`).set(as(a.admin, a.id)).send({ createDeal: true, deal: DEAL });
      const statuses = (await Promise.all([send(), send()])).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      expect(await contactsFrom(source.id)).toHaveLength(1);
      expect(await dealsOf(source.id)).toHaveLength(1);
    });

    it.each(['NEW_LEAD', 'IN_CONTACT', 'QUALIFIED'])('converts an open lead (%s)', async (status) => {
      const source = await lead(a.admin, a, { status });
      await t.http.post(`/v1/leads/${source.id}/convert`).set(as(a.admin, a.id)).send({}).expect(200);
    });

    it.each(['LOST', 'UNQUALIFIED'])('refuses converting a %s lead (422) until it is reopened', async (status) => {
      const source = await lead(a.admin, a, { status });
      const res = await t.http.post(`/v1/leads/${source.id}/convert`).set(as(a.admin, a.id)).send({});
      expectError(res, 422, 'INVALID_STATUS_TRANSITION');
      expect(res.body.details).toEqual([
        { field: 'status', message: expect.stringContaining('NEW_LEAD, IN_CONTACT, QUALIFIED'), code: 'NOT_ALLOWED' },
      ]);
      expect(await contactsFrom(source.id)).toHaveLength(0);
    });

    describe('is atomic: a failure mid-way leaves no contact, no deal and the lead unchanged', () => {
      it('a contact email collision (409 CONTACT_EMAIL_TAKEN)', async () => {
        await t.http
          .post('/v1/contacts')
          .set(as(a.admin, a.id))
          .send({ name: 'Existing', email: 'Taken@Example.com' })
          .expect(201);
        const source = await lead(a.admin, a, { status: 'QUALIFIED', email: 'taken@example.com' });
        const [before] = await snapshot([source.id]);
        const res = await t.http
          .post(`/v1/leads/${source.id}/convert`)
          .set(as(a.admin, a.id))
          .send({ createDeal: true, deal: DEAL });
        expectError(res, 409, 'CONTACT_EMAIL_TAKEN');
        expect(await contactsFrom(source.id)).toHaveLength(0);
        expect(await dealsOf(source.id)).toHaveLength(0);
        expect((await snapshot([source.id]))[0]).toEqual(before);
      });

      it.each([
        ['of another organization', async () => insertListing(b.id)],
        ['that is soft-deleted', async () => insertListing(a.id, true)],
        ['that does not exist', async () => randomUUID()],
      ])('a deal listing %s (422 INVALID_LISTING), after the contact was written', async (_, listing) => {
        const listingId = await listing();
        const source = await lead(a.admin, a, { status: 'QUALIFIED', email: `l-${randomUUID()}@example.com` });
        const [before] = await snapshot([source.id]);
        const contactsBefore = await t.db.admin.query('SELECT id FROM contacts WHERE organization_id = $1', [a.id]);
        const res = await t.http
          .post(`/v1/leads/${source.id}/convert`)
          .set(as(a.admin, a.id))
          .send({ createDeal: true, deal: { ...DEAL, listingId } });
        expectError(res, 422, 'INVALID_LISTING');
        expect(res.body.details).toEqual([
          expect.objectContaining({ field: 'deal.listingId', message: expect.any(String) }),
        ]);
        expect(await contactsFrom(source.id)).toHaveLength(0);
        expect(await t.db.admin.query('SELECT id FROM contacts WHERE organization_id = $1', [a.id])).toHaveLength(
          contactsBefore.length,
        );
        expect(await dealsOf(source.id)).toHaveLength(0);
        expect((await snapshot([source.id]))[0]).toEqual(before);
        // Control: the same conversion with a good listing goes through.
        const ok = await t.http
          .post(`/v1/leads/${source.id}/convert`)
          .set(as(a.admin, a.id))
          .send({ createDeal: true, deal: { ...DEAL, listingId: await insertListing(a.id) } })
          .expect(200);
        expect(ok.body.lead.status).toBe('CONVERTED');
      });
    });

    it.each([
      [{ createDeal: true }, 'deal'],
      [{ deal: DEAL }, 'createDeal'],
      [{ createDeal: false, deal: DEAL }, 'createDeal'],
      [{ createDeal: true, deal: { ...DEAL, value: '-1' } }, 'deal.value'],
      [{ createDeal: true, deal: { ...DEAL, value: 750000 } }, 'deal.value'],
      [{ createDeal: true, deal: { ...DEAL, expectedCloseDate: 'soon' } }, 'deal.expectedCloseDate'],
      [{ createDeal: true, deal: { ...DEAL, title: '' } }, 'deal.title'],
      [{ createDeal: true, deal: { ...DEAL, listingId: 'x' } }, 'deal.listingId'],
      [{ createDeal: true, deal: { ...DEAL, stage: 'WON' } }, 'deal.stage'],
      [{ createDeal: 'yes' }, 'createDeal'],
    ])('rejects %j with 400 on %s', async (body, field) => {
      const source = await lead(a.admin, a, { status: 'QUALIFIED' });
      const res = await t.http.post(`/v1/leads/${source.id}/convert`).set(as(a.admin, a.id)).send(body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect((await snapshot([source.id]))[0].status).toBe('QUALIFIED');
    });

    it('lets an AGENT convert their own lead but not another (404), and a VIEWER none (403)', async () => {
      const own = await lead(agent, a, { status: 'QUALIFIED' });
      const foreign = await lead(a.admin, a, { status: 'QUALIFIED' });
      expectError(await t.http.post(`/v1/leads/${foreign.id}/convert`).set(as(agent, a.id)).send({}), 404, 'NOT_FOUND');
      expectError(await t.http.post(`/v1/leads/${own.id}/convert`).set(as(viewer, a.id)).send({}), 403, 'FORBIDDEN');
      const res = await t.http
        .post(`/v1/leads/${own.id}/convert`)
        .set(as(agent, a.id))
        .send({ createDeal: true, deal: DEAL })
        .expect(200);
      expect(res.body.deal.createdById).toBe(agent.id);
      expect(await contactsFrom(foreign.id)).toHaveLength(0);
    });

    it("answers 404 to org B on org A's lead, beside A's allowed control", async () => {
      const source = await lead(a.admin, a, { status: 'QUALIFIED' });
      expectError(
        await t.http.post(`/v1/leads/${source.id}/convert`).set(as(b.admin, b.id)).send({}),
        404,
        'NOT_FOUND',
      );
      expect(await contactsFrom(source.id)).toHaveLength(0);
      expect((await snapshot([source.id]))[0].status).toBe('QUALIFIED');
      await t.http.post(`/v1/leads/${source.id}/convert`).set(as(a.admin, a.id)).send({}).expect(200);
    });
  });

  describe('bulk', () => {
    const bulk = (user: User, org: Org, body: Record<string, unknown>) =>
      t.http.post('/v1/leads/bulk').set(as(user, org.id)).send(body);

    it('updates a restricted set of fields with one call, status through the workflow', async () => {
      const leads = [
        await lead(a.admin, a, { status: 'NEW_LEAD' }),
        await lead(a.admin, a, { status: 'IN_CONTACT' }),
        await lead(a.admin, a, { status: 'QUALIFIED' }),
      ];
      const leadIds = leads.map((l) => l.id);
      const res = await bulk(manager, a, {
        action: 'update',
        ids: leadIds.map((id) => id.toUpperCase()),
        data: { status: 'LOST', source: 'EVENT', scoreValue: 45, tags: ['cold-2026'] },
      }).expect(200);
      expect(res.body).toEqual({ affected: 3 });
      for (const row of await snapshot(leadIds)) {
        expect(row).toMatchObject({ status: 'LOST', score_value: 45, tags: ['cold-2026'] });
      }
    });

    it('refuses the whole batch when one lead cannot make the status change (422), naming it', async () => {
      const ok = await lead(a.admin, a, { status: 'IN_CONTACT' });
      const bad = await lead(a.admin, a, { status: 'NEW_LEAD' });
      const before = await snapshot([ok.id, bad.id]);
      const res = await bulk(a.admin, a, { action: 'update', ids: [ok.id, bad.id], data: { status: 'QUALIFIED' } });
      expectError(res, 422, 'INVALID_STATUS_TRANSITION');
      expect(res.body.details).toEqual([
        {
          field: 'ids',
          code: 'NOT_ALLOWED',
          message: expect.stringMatching(new RegExp(`^${bad.id}: NEW_LEAD → QUALIFIED .*IN_CONTACT, LOST`)),
        },
      ]);
      expect(res.body.ref).toEqual({ leadIds: [bad.id] });
      expect(await snapshot([ok.id, bad.id])).toEqual(before);
      expectError(
        await bulk(a.admin, a, { action: 'update', ids: [ok.id], data: { status: 'CONVERTED' } }),
        422,
        'INVALID_STATUS_TRANSITION',
      );
    });

    it('assigns (ADMIN/MANAGER) and notifies the assignee once per lead that changed hands', async () => {
      const leads = [
        await lead(a.admin, a),
        await lead(a.admin, a),
        await lead(a.admin, a, { assignedToId: agent.id }),
      ];
      const leadIds = leads.map((l) => l.id);
      const res = await bulk(manager, a, { action: 'assign', ids: leadIds, data: { assignedToId: agent.id } }).expect(
        200,
      );
      expect(res.body).toEqual({ affected: 3 });
      for (const row of await snapshot(leadIds)) expect(row.assigned_to_id).toBe(agent.id);
      const notes = await t.http.get('/v1/notifications?pageSize=100').set(as(agent, a.id)).expect(200);
      const byLead = (id: string) =>
        notes.body.data.filter((n: any) => n.type === 'LEAD_ASSIGNED' && n.data?.leadId === id).length;
      expect(leadIds.map(byLead)).toEqual([1, 1, 1]); // the third was already the agent's: told once, on create
      const managerNotes = await t.http.get('/v1/notifications?pageSize=100').set(as(manager, a.id)).expect(200);
      expect(managerNotes.body.data.filter((n: any) => leadIds.includes(n.data?.leadId))).toEqual([]);
    });

    it('refuses assigning to an AGENT (403) and to a VIEWER assignee (422); nothing changes', async () => {
      const own = await lead(agent, a);
      const before = await snapshot([own.id]);
      expectError(
        await bulk(agent, a, { action: 'assign', ids: [own.id], data: { assignedToId: agent.id } }),
        403,
        'FORBIDDEN',
      );
      expectError(
        await bulk(agent, a, { action: 'update', ids: [own.id], data: { assignedToId: null } }),
        403,
        'FORBIDDEN',
      );
      expectError(
        await bulk(a.admin, a, { action: 'assign', ids: [own.id], data: { assignedToId: viewer.id } }),
        422,
        'INVALID_ASSIGNEE',
      );
      expect(await snapshot([own.id])).toEqual(before);
      // Control: the agent may bulk-update their own lead's other fields.
      await bulk(agent, a, { action: 'update', ids: [own.id], data: { scoreValue: 77 } }).expect(200);
    });

    it('soft-deletes and restores, each only from the right state', async () => {
      const leads = [await lead(a.admin, a), await lead(a.admin, a)];
      const leadIds = leads.map((l) => l.id);
      expect((await bulk(a.admin, a, { action: 'delete', ids: leadIds }).expect(200)).body).toEqual({ affected: 2 });
      for (const row of await snapshot(leadIds)) expect(row.deleted_at).not.toBeNull();
      const again = await bulk(a.admin, a, { action: 'delete', ids: leadIds });
      expectError(again, 404, 'NOT_FOUND');
      expect([...again.body.ref.leadIds].sort()).toEqual([...leadIds].sort());
      expect((await bulk(a.admin, a, { action: 'restore', ids: leadIds }).expect(200)).body).toEqual({ affected: 2 });
      for (const row of await snapshot(leadIds)) expect(row.deleted_at).toBeNull();
      const live = await bulk(a.admin, a, { action: 'restore', ids: leadIds });
      expectError(live, 404, 'NOT_FOUND');
    });

    it('changes nothing in either organization when one id is another organization’s (404 naming it)', async () => {
      const mine = [await lead(a.admin, a), await lead(a.admin, a)];
      const foreign = await lead(b.admin, b);
      const all = [...mine.map((l) => l.id), foreign.id];
      const before = await snapshot(all);
      for (const body of [
        { action: 'update', ids: all, data: { tags: ['hijack'] } },
        { action: 'delete', ids: all },
        { action: 'assign', ids: all, data: { assignedToId: manager.id } },
      ]) {
        const res = await bulk(a.admin, a, body);
        expectError(res, 404, 'NOT_FOUND');
        expect(res.body.ref).toEqual({ leadIds: [foreign.id] });
      }
      // The same from B's side: A's ids are unknown there.
      const fromB = await bulk(b.admin, b, { action: 'delete', ids: all });
      expectError(fromB, 404, 'NOT_FOUND');
      expect([...fromB.body.ref.leadIds].sort()).toEqual(mine.map((l) => l.id).sort());
      expect(await snapshot(all)).toEqual(before);
      // Control: without the foreign id, A's batch goes through.
      await bulk(a.admin, a, { action: 'update', ids: mine.map((l) => l.id), data: { tags: ['ok'] } }).expect(200);
      expect((await bulk(b.admin, b, { action: 'update', ids: [foreign.id], data: { tags: ['b'] } })).body).toEqual({
        affected: 1,
      });
    });

    it('limits an AGENT to their own leads: one foreign lead in the batch is a 404 and nothing changes', async () => {
      const own = await lead(agent, a);
      const assigned = await lead(a.admin, a, { assignedToId: agent.id });
      const foreign = await lead(a.admin, a);
      const all = [own.id, assigned.id, foreign.id];
      const before = await snapshot(all);
      for (const body of [
        { action: 'update', ids: all, data: { scoreValue: 99 } },
        { action: 'delete', ids: all },
      ]) {
        const res = await bulk(agent, a, body);
        expectError(res, 404, 'NOT_FOUND');
        expect(res.body.ref).toEqual({ leadIds: [foreign.id] });
      }
      expect(await snapshot(all)).toEqual(before);
      expect(
        (await bulk(agent, a, { action: 'update', ids: [own.id, assigned.id], data: { scoreValue: 99 } }).expect(200))
          .body,
      ).toEqual({ affected: 2 });
    });

    it('is refused to a VIEWER (403)', async () => {
      const l = await lead(a.admin, a);
      expectError(await bulk(viewer, a, { action: 'delete', ids: [l.id] }), 403, 'FORBIDDEN');
      expect((await snapshot([l.id]))[0].deleted_at).toBeNull();
    });

    const id = () => randomUUID();
    it.each([
      ['more than 100 ids', { action: 'delete', ids: Array.from({ length: 101 }, id) }, 'ids'],
      ['no ids', { action: 'delete', ids: [] }, 'ids'],
      [
        'repeated ids',
        { action: 'delete', ids: ['6f0c6a2e-8d7b-4c1e-9a51-0b7c2f3e4d5a', '6F0C6A2E-8D7B-4C1E-9A51-0B7C2F3E4D5A'] },
        'ids',
      ],
      ['a non-UUID id', { action: 'delete', ids: ['nope'] }, 'ids'],
      ['an unknown action', { action: 'archive', ids: [id()] }, 'action'],
      ['data on delete', { action: 'delete', ids: [id()], data: { tags: ['x'] } }, 'data'],
      ['data on restore', { action: 'restore', ids: [id()], data: { tags: ['x'] } }, 'data'],
      ['update without data', { action: 'update', ids: [id()] }, 'data'],
      ['update with empty data', { action: 'update', ids: [id()], data: {} }, 'data'],
      ['assign without assignee', { action: 'assign', ids: [id()], data: { tags: ['x'] } }, 'data'],
      ['a field outside the allowed set', { action: 'update', ids: [id()], data: { name: 'x' } }, 'data.name'],
      ['a score above 100', { action: 'update', ids: [id()], data: { scoreValue: 101 } }, 'data.scoreValue'],
    ])('rejects %s with 400', async (_, body, field) => {
      const res = await bulk(a.admin, a, body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('accepts exactly 100 ids (and reports the unknown ones)', async () => {
      const res = await bulk(a.admin, a, { action: 'delete', ids: Array.from({ length: 100 }, id) });
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.ref.leadIds).toHaveLength(100);
    });
  });
});
