import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { SqlSession } from '../src/database/sql-session.js';
import { addMember, as, createLead, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { asApp } from './helpers/sql-as-app.js';

type Body = Record<string, any>;

describe('deals', () => {
  const { t, a, b } = twoOrganizations();
  let sql: SqlSession;

  const createDeal = async (user: User, orgId: string, body: Body = {}): Promise<Body> => {
    const res = await t.http
      .post('/v1/deals')
      .set(as(user, orgId))
      .send({ title: `Deal ${randomUUID().slice(0, 6)}`, value: '100000', ...body });
    expect(res.status).toBe(201);
    return res.body;
  };
  const createListing = async (user: User, orgId: string, body: Body = {}): Promise<Body> => {
    const res = await t.http
      .post('/v1/listings')
      .set(as(user, orgId))
      .send({
        title: 'Home',
        address: '1 Elm St',
        city: 'Austin',
        state: 'TX',
        zipCode: '78701',
        price: '500000',
        ...body,
      })
      .expect(201);
    return res.body;
  };
  /** Contacts are another module's: insert them as the owner, as a fixture. */
  const insertContact = async (orgId: string, deleted = false): Promise<string> => {
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO contacts (organization_id, name, deleted_at) VALUES ($1, 'Fixture contact', $2) RETURNING id`,
      [orgId, deleted ? new Date() : null],
    );
    return row.id;
  };

  const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((d) => d.id);

  beforeAll(async () => {
    sql = t.db.admin;
  });

  describe('CRUD', () => {
    it('creates with stage defaults, reads, updates, soft-deletes and restores', async () => {
      const deal = await createDeal(a.admin, a.id, { value: '250000.5', stage: 'PROPOSAL', tags: ['vip'] });
      expect(deal).toMatchObject({
        value: '250000.50',
        stage: 'PROPOSAL',
        status: 'ACTIVE',
        probability: 50,
        weightedValue: '125000.25',
        actualCloseDate: null,
        lostReason: null,
        createdById: a.admin.id,
        assignedToId: null,
        deletedAt: null,
      });
      expect(deal).not.toHaveProperty('organizationId');
      await t.http.get(`/v1/deals/${deal.id}`).set(as(a.admin)).expect(200);
      const patched = await t.http
        .patch(`/v1/deals/${deal.id}`)
        .set(as(a.admin))
        .send({ title: 'Renamed', probability: 60, expectedCloseDate: '2027-01-15' })
        .expect(200);
      expect(patched.body).toMatchObject({
        title: 'Renamed',
        probability: 60,
        stage: 'PROPOSAL',
        expectedCloseDate: '2027-01-15',
      });
      await t.http.delete(`/v1/deals/${deal.id}`).set(as(a.admin)).expect(204);
      await t.http.get(`/v1/deals/${deal.id}`).set(as(a.admin)).expect(404);
      await t.http.delete(`/v1/deals/${deal.id}`).set(as(a.admin)).expect(404);
      const restored = await t.http.post(`/v1/deals/${deal.id}/restore`).set(as(a.admin)).expect(200);
      expect(restored.body.deletedAt).toBeNull();
      await t.http.post(`/v1/deals/${deal.id}/restore`).set(as(a.admin)).expect(404);
    });

    it('lists deleted deals with includeDeleted=true for an ADMIN only', async () => {
      const manager = await addMember(t.http, a, 'MANAGER');
      const deal = await createDeal(a.admin, a.id);
      await t.http.delete(`/v1/deals/${deal.id}`).set(as(a.admin)).expect(204);
      const live = await t.http.get('/v1/deals?pageSize=100').set(as(a.admin)).expect(200);
      expect(ids(live)).not.toContain(deal.id);
      const all = await t.http.get('/v1/deals?pageSize=100&includeDeleted=true').set(as(a.admin)).expect(200);
      expect(ids(all)).toContain(deal.id);
      const denied = await t.http.get('/v1/deals?includeDeleted=true').set(as(manager, a.id)).expect(403);
      expect(denied.body.code).toBe('FORBIDDEN');
      await t.http.get('/v1/deals?includeDeleted=false').set(as(manager, a.id)).expect(200);
    });

    it('validates the body', async () => {
      for (const body of [
        { title: 'x' },
        { title: 'x', value: '-1' },
        { title: 'x', value: '1.234' },
        { title: 'x', value: 12 },
        { title: 'x', value: '1', probability: 101 },
        { title: 'x', value: '1', stage: 'WON' },
        { title: 'x', value: '1', status: 'WON' },
        { title: 'x', value: '1', contactId: 'nope' },
        { title: 'x', value: '1', bogus: true },
      ]) {
        const res = await t.http.post('/v1/deals').set(as(a.admin)).send(body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
    });

    it('refuses a VIEWER any write and lets them read', async () => {
      const viewer = await addMember(t.http, a, 'VIEWER');
      const deal = await createDeal(a.admin, a.id);
      await t.http.post('/v1/deals').set(as(viewer, a.id)).send({ title: 'x', value: '1' }).expect(403);
      await t.http.post(`/v1/deals/${deal.id}/stage`).set(as(viewer, a.id)).send({ stage: 'CLOSING' }).expect(403);
      await t.http.patch(`/v1/deals/${deal.id}`).set(as(viewer, a.id)).send({ title: 'x' }).expect(403);
      await t.http.get(`/v1/deals/${deal.id}`).set(as(viewer, a.id)).expect(200);
      await t.http.get(`/v1/deals/${deal.id}/history`).set(as(viewer, a.id)).expect(200);
      await t.http.get('/v1/deals/pipeline').set(as(viewer, a.id)).expect(200);
    });

    it('accepts an assignee only if they are a writing member', async () => {
      const agent = await addMember(t.http, a, 'AGENT');
      const bad = await t.http
        .post('/v1/deals')
        .set(as(a.admin))
        .send({ title: 'x', value: '1', assignedToId: b.admin.id })
        .expect(422);
      expect(bad.body.code).toBe('INVALID_ASSIGNEE');
      const ok = await createDeal(a.admin, a.id, { assignedToId: agent.id });
      expect(ok.assignedToId).toBe(agent.id);
    });
  });

  describe('stages', () => {
    const stage = (id: string, body: Body, user = a.admin) =>
      t.http.post(`/v1/deals/${id}/stage`).set(as(user, a.id)).send(body);

    it('moves through open stages with default probabilities unless one is given', async () => {
      const deal = await createDeal(a.admin, a.id);
      expect(deal).toMatchObject({ stage: 'LEAD', probability: 10 });
      const q = await stage(deal.id, { stage: 'QUALIFIED' }).expect(200);
      expect(q.body).toMatchObject({ stage: 'QUALIFIED', probability: 25, status: 'ACTIVE' });
      const n = await stage(deal.id, { stage: 'NEGOTIATION', probability: 64 }).expect(200);
      expect(n.body).toMatchObject({ stage: 'NEGOTIATION', probability: 64 });
      const c = await stage(deal.id, { stage: 'CLOSING' }).expect(200);
      expect(c.body.probability).toBe(90);
    });

    it('CLOSED_WON sets WON and the close date (now unless given)', async () => {
      const before = Date.now();
      const deal = await createDeal(a.admin, a.id, { stage: 'CLOSING' });
      const won = await stage(deal.id, { stage: 'CLOSED_WON' }).expect(200);
      expect(won.body).toMatchObject({ stage: 'CLOSED_WON', status: 'WON', probability: 100, lostReason: null });
      // A calendar date: today (UTC), the day it closed.
      expect(won.body.actualCloseDate).toBe(new Date(before).toISOString().slice(0, 10));
      const other = await createDeal(a.admin, a.id);
      const given = await stage(other.id, { stage: 'CLOSED_WON', actualCloseDate: '2026-06-30' }).expect(200);
      expect(given.body.actualCloseDate).toBe('2026-06-30');
    });

    it('CLOSED_LOST requires a lost reason and sets LOST', async () => {
      const deal = await createDeal(a.admin, a.id, { stage: 'PROPOSAL' });
      const missing = await stage(deal.id, { stage: 'CLOSED_LOST' }).expect(422);
      expect(missing.body).toMatchObject({ code: 'LOST_REASON_REQUIRED', details: [{ field: 'lostReason' }] });
      const blank = await stage(deal.id, { stage: 'CLOSED_LOST', lostReason: '   ' }).expect(422);
      expect(blank.body.code).toBe('LOST_REASON_REQUIRED');
      const unchanged = await t.http.get(`/v1/deals/${deal.id}`).set(as(a.admin)).expect(200);
      expect(unchanged.body.stage).toBe('PROPOSAL');
      const lost = await stage(deal.id, { stage: 'CLOSED_LOST', lostReason: 'Bought elsewhere' }).expect(200);
      expect(lost.body).toMatchObject({
        stage: 'CLOSED_LOST',
        status: 'LOST',
        probability: 0,
        lostReason: 'Bought elsewhere',
      });
      expect(lost.body.actualCloseDate).not.toBeNull();
    });

    it('refuses closed → other closed stage, and reopens only to an open stage', async () => {
      const deal = await createDeal(a.admin, a.id);
      await stage(deal.id, { stage: 'CLOSED_LOST', lostReason: 'Price' }).expect(200);
      const jump = await stage(deal.id, { stage: 'CLOSED_WON' }).expect(422);
      expect(jump.body).toMatchObject({ code: 'INVALID_STAGE_TRANSITION', details: [{ field: 'stage' }] });
      const reopened = await stage(deal.id, { stage: 'NEGOTIATION' }).expect(200);
      expect(reopened.body).toMatchObject({
        stage: 'NEGOTIATION',
        status: 'ACTIVE',
        probability: 70,
        lostReason: null,
        actualCloseDate: null,
      });
      await stage(deal.id, { stage: 'CLOSED_WON' }).expect(200);
      const back = await stage(deal.id, { stage: 'CLOSED_LOST', lostReason: 'x' }).expect(422);
      expect(back.body.code).toBe('INVALID_STAGE_TRANSITION');
    });

    it('applies the same rules to a stage change through PATCH', async () => {
      const deal = await createDeal(a.admin, a.id);
      const noReason = await t.http
        .patch(`/v1/deals/${deal.id}`)
        .set(as(a.admin))
        .send({ stage: 'CLOSED_LOST' })
        .expect(422);
      expect(noReason.body.code).toBe('LOST_REASON_REQUIRED');
      const lost = await t.http
        .patch(`/v1/deals/${deal.id}`)
        .set(as(a.admin))
        .send({ stage: 'CLOSED_LOST', lostReason: 'Timing' })
        .expect(200);
      expect(lost.body).toMatchObject({ status: 'LOST', lostReason: 'Timing' });
      const reason = await t.http
        .patch(`/v1/deals/${deal.id}`)
        .set(as(a.admin))
        .send({ lostReason: 'Timing and price' })
        .expect(200);
      expect(reason.body).toMatchObject({ stage: 'CLOSED_LOST', lostReason: 'Timing and price' });
      const status = await t.http.patch(`/v1/deals/${deal.id}`).set(as(a.admin)).send({ status: 'ACTIVE' }).expect(422);
      expect(status.body.details[0].field).toBe('status');
      const open = await createDeal(a.admin, a.id);
      const reasonOnOpen = await t.http
        .patch(`/v1/deals/${open.id}`)
        .set(as(a.admin))
        .send({ lostReason: 'x' })
        .expect(422);
      expect(reasonOnOpen.body.details[0].field).toBe('lostReason');
      const abandoned = await t.http
        .patch(`/v1/deals/${open.id}`)
        .set(as(a.admin))
        .send({ status: 'ABANDONED' })
        .expect(200);
      expect(abandoned.body).toMatchObject({ stage: 'LEAD', status: 'ABANDONED' });
    });

    it('creating with CLOSED_LOST needs a reason too', async () => {
      const res = await t.http
        .post('/v1/deals')
        .set(as(a.admin))
        .send({ title: 'x', value: '1', stage: 'CLOSED_LOST' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('LOST_REASON_REQUIRED');
      const ok = await createDeal(a.admin, a.id, { stage: 'CLOSED_LOST', lostReason: 'Imported as lost' });
      expect(ok).toMatchObject({ status: 'LOST', probability: 0 });
    });

    it('the database refuses a status that contradicts the stage, whoever writes it', async () => {
      const deal = await createDeal(a.admin, a.id);
      await expect(sql.query(`UPDATE deals SET stage = 'CLOSED_WON' WHERE id = $1`, [deal.id])).rejects.toThrow(
        /deals_status_matches_stage|deals_close_date_when_closed/,
      );
      await expect(
        sql.query(`UPDATE deals SET stage = 'CLOSED_LOST', status = 'LOST', actual_close_date = now() WHERE id = $1`, [
          deal.id,
        ]),
      ).rejects.toThrow(/deals_lost_reason_when_lost/);
      // control: a consistent change passes
      await sql.query(
        `UPDATE deals SET stage = 'CLOSED_WON', status = 'WON', actual_close_date = now() WHERE id = $1`,
        [deal.id],
      );
    });
  });

  describe('stage history', () => {
    const history = async (id: string, user = a.admin) =>
      (await t.http.get(`/v1/deals/${id}/history`).set(as(user, a.id)).expect(200)).body;

    it('records the initial stage, API, PATCH and raw SQL changes, newest first', async () => {
      const deal = await createDeal(a.admin, a.id, { stage: 'QUALIFIED' });
      await t.http.post(`/v1/deals/${deal.id}/stage`).set(as(a.admin)).send({ stage: 'PROPOSAL' }).expect(200);
      // No stage change, no history row.
      await t.http.patch(`/v1/deals/${deal.id}`).set(as(a.admin)).send({ title: 'Only the title' }).expect(200);
      await t.http.patch(`/v1/deals/${deal.id}`).set(as(a.admin)).send({ stage: 'NEGOTIATION' }).expect(200);
      // A change made outside the API, as the runtime role with a tenant context: the trigger still records it.
      const manager = await addMember(t.http, a, 'MANAGER');
      const updated = await asApp(
        sql,
        { org: a.id, user: manager.id, role: 'MANAGER' },
        () => sql.query(`UPDATE deals SET stage = 'CLOSING', probability = 90 WHERE id = $1 RETURNING id`, [deal.id]),
        { commit: true },
      );
      expect(updated).toHaveLength(1);

      const h = await history(deal.id);
      expect(h.meta.total).toBe(4);
      expect(h.data.map((r: Body) => [r.fromStage, r.toStage, r.changedById])).toEqual([
        ['NEGOTIATION', 'CLOSING', manager.id],
        ['PROPOSAL', 'NEGOTIATION', a.admin.id],
        ['QUALIFIED', 'PROPOSAL', a.admin.id],
        [null, 'QUALIFIED', a.admin.id],
      ]);
      const times = h.data.map((r: Body) => Date.parse(r.changedAt));
      expect([...times].sort((x, y) => y - x)).toEqual(times);
      expect(h.data[0]).not.toHaveProperty('organizationId');
    });

    it('records a change made by the owner with no tenant context, with no actor', async () => {
      const deal = await createDeal(a.admin, a.id);
      await sql.query(`UPDATE deals SET stage = 'QUALIFIED' WHERE id = $1`, [deal.id]);
      const h = await history(deal.id);
      expect(h.data[0]).toMatchObject({ fromStage: 'LEAD', toStage: 'QUALIFIED', changedById: null });
    });

    it('paginates the history', async () => {
      const deal = await createDeal(a.admin, a.id);
      for (const s of ['QUALIFIED', 'PROPOSAL', 'NEGOTIATION']) {
        await t.http.post(`/v1/deals/${deal.id}/stage`).set(as(a.admin)).send({ stage: s }).expect(200);
      }
      const p2 = await t.http.get(`/v1/deals/${deal.id}/history?pageSize=3&page=2`).set(as(a.admin)).expect(200);
      expect(p2.body.meta).toEqual({ page: 2, pageSize: 3, total: 4, totalPages: 2 });
      expect(p2.body.data.map((r: Body) => r.toStage)).toEqual(['LEAD']);
    });
  });

  describe('pipeline', () => {
    let org: Org;
    let agent: User;

    const pipeline = async (user: User, query = '') =>
      (await t.http.get(`/v1/deals/pipeline${query}`).set(as(user, org.id)).expect(200)).body.stages as Body[];

    /** The expected summary, computed from the rows the test inserted (values in cents, exact). */
    function expected(rows: { stage: string; value: number; probability: number }[]) {
      const stages = ['LEAD', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION', 'CLOSING', 'CLOSED_WON', 'CLOSED_LOST'];
      const money = (cents: number) => (cents / 100).toFixed(2);
      return stages.map((stage) => {
        const mine = rows.filter((r) => r.stage === stage);
        const total = Math.round(mine.reduce((s, r) => s + r.value * 100, 0));
        const weighted = Math.round(mine.reduce((s, r) => s + r.value * r.probability, 0)); // cents
        return { stage, count: mine.length, totalValue: money(total), weightedValue: money(weighted) };
      });
    }

    // agent: visible to the agent (assigned to or created by them); assigned: assigned to them.
    const inserted: {
      stage: string;
      value: number;
      probability: number;
      agent: boolean;
      assigned?: boolean;
      close?: string;
    }[] = [];

    beforeAll(async () => {
      org = await createOrg(t.http, 'Pipeline');
      agent = await addMember(t.http, org, 'AGENT');
      const rows = [
        { stage: 'LEAD', value: 100000, probability: 10, agent: false, close: '2027-01-10T00:00:00Z' },
        { stage: 'LEAD', value: 250000.5, probability: 10, agent: true, assigned: true, close: '2027-03-10T00:00:00Z' },
        { stage: 'PROPOSAL', value: 400000, probability: 55, agent: false, close: '2027-01-20T00:00:00Z' },
        { stage: 'NEGOTIATION', value: 333333.33, probability: 70, agent: true, assigned: true },
        { stage: 'CLOSED_WON', value: 900000, probability: 100, agent: false, close: '2027-02-01T00:00:00Z' },
      ];
      for (const r of rows) {
        await createDeal(org.admin, org.id, {
          value: String(r.value),
          stage: r.stage,
          probability: r.probability,
          ...(r.assigned && { assignedToId: agent.id }),
          ...(r.close && { expectedCloseDate: r.close }),
        });
        inserted.push(r);
      }
      // Neither a soft-deleted nor an abandoned deal counts.
      const gone = await createDeal(org.admin, org.id, { value: '777', stage: 'PROPOSAL' });
      await t.http.delete(`/v1/deals/${gone.id}`).set(as(org.admin, org.id)).expect(204);
      await createDeal(org.admin, org.id, { value: '555', stage: 'PROPOSAL', status: 'ABANDONED' });
      // The agent's own deal (created by them).
      await createDeal(agent, org.id, { value: '50000', stage: 'CLOSING', probability: 90 });
      inserted.push({ stage: 'CLOSING', value: 50000, probability: 90, agent: true });
    });

    it('sums every stage in enum order in one query, empty stages included', async () => {
      const stages = await pipeline(org.admin);
      expect(stages).toEqual(expected(inserted));
      expect(stages.find((s) => s.stage === 'CLOSED_LOST')).toEqual({
        stage: 'CLOSED_LOST',
        count: 0,
        totalValue: '0.00',
        weightedValue: '0.00',
      });
    });

    it('filters by assignee and expected close window', async () => {
      expect(await pipeline(org.admin, `?assignedToId=${agent.id}`)).toEqual(
        expected(inserted.filter((r) => r.assigned)),
      );
      const window = await pipeline(org.admin, '?expectedCloseFrom=2027-01-01&expectedCloseTo=2027-01-31');
      expect(window).toEqual(
        expected(inserted.filter((r) => r.close && r.close >= '2027-01-01' && r.close < '2027-02-01')),
      );
      await t.http.get('/v1/deals/pipeline?expectedCloseFrom=soon').set(as(org.admin, org.id)).expect(400);
    });

    it("shows an AGENT only their own deals' pipeline (RLS), and lists only their deals", async () => {
      const mine = inserted.filter((r) => r.agent);
      expect(await pipeline(agent)).toEqual(expected(mine));
      // control: the admin's view is bigger
      expect(expected(inserted)).not.toEqual(expected(mine));
      const list = await t.http.get('/v1/deals?pageSize=100').set(as(agent, org.id)).expect(200);
      expect(list.body.meta.total).toBe(mine.length);
    });
  });

  describe('AGENT visibility', () => {
    it('sees, changes and reads the history of only deals assigned to or created by them', async () => {
      const agent = await addMember(t.http, a, 'AGENT');
      const other = await createDeal(a.admin, a.id);
      const assigned = await createDeal(a.admin, a.id, { assignedToId: agent.id });
      const own = await createDeal(agent, a.id);
      const list = await t.http.get('/v1/deals?pageSize=100').set(as(agent, a.id)).expect(200);
      expect(ids(list)).toEqual(expect.arrayContaining([assigned.id, own.id]));
      expect(ids(list)).not.toContain(other.id);
      for (const res of [
        await t.http.get(`/v1/deals/${other.id}`).set(as(agent, a.id)),
        await t.http.patch(`/v1/deals/${other.id}`).set(as(agent, a.id)).send({ title: 'x' }),
        await t.http.post(`/v1/deals/${other.id}/stage`).set(as(agent, a.id)).send({ stage: 'CLOSING' }),
        await t.http.get(`/v1/deals/${other.id}/history`).set(as(agent, a.id)),
        await t.http.delete(`/v1/deals/${other.id}`).set(as(agent, a.id)),
      ]) {
        expect(res.status).toBe(404);
      }
      await t.http.post(`/v1/deals/${assigned.id}/stage`).set(as(agent, a.id)).send({ stage: 'CLOSING' }).expect(200);
      await t.http.get(`/v1/deals/${assigned.id}/history`).set(as(agent, a.id)).expect(200);
    });

    it('hides the stage history of other deals from an AGENT in SQL too', async () => {
      const agent = await addMember(t.http, a, 'AGENT');
      const other = await createDeal(a.admin, a.id);
      const own = await createDeal(agent, a.id);
      const seen = await asApp(
        sql,
        { org: a.id, user: agent.id, role: 'AGENT' },
        () =>
          sql.query<{ deal_id: string }>('SELECT deal_id FROM deal_stage_history WHERE deal_id = ANY($1)', [
            [other.id, own.id],
          ]),
        { commit: true },
      );
      expect(seen.map((r) => r.deal_id)).toEqual([own.id]);
    });
  });

  describe('links to leads, contacts and listings', () => {
    it('accepts live rows of the same organization', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      const contact = await insertContact(a.id);
      const listing = await createListing(a.admin, a.id);
      const deal = await createDeal(a.admin, a.id, { leadId: lead.id, contactId: contact, listingId: listing.id });
      expect(deal).toMatchObject({ leadId: lead.id, contactId: contact, listingId: listing.id });
      const cleared = await t.http.patch(`/v1/deals/${deal.id}`).set(as(a.admin)).send({ contactId: null }).expect(200);
      expect(cleared.body.contactId).toBeNull();
    });

    it("refuses another organization's lead, contact and listing with 422 INVALID_REFERENCE", async () => {
      const lead = await createLead(t.http, b.admin, b.id);
      const contact = await insertContact(b.id);
      const listing = await createListing(b.admin, b.id);
      const res = await t.http
        .post('/v1/deals')
        .set(as(a.admin))
        .send({ title: 'x', value: '1', leadId: lead.id, contactId: contact, listingId: listing.id })
        .expect(422);
      expect(res.body.code).toBe('INVALID_REFERENCE');
      expect(res.body.details.map((d: Body) => d.field).sort()).toEqual(['contactId', 'leadId', 'listingId']);
      const deal = await createDeal(a.admin, a.id);
      const patch = await t.http
        .patch(`/v1/deals/${deal.id}`)
        .set(as(a.admin))
        .send({ listingId: listing.id })
        .expect(422);
      expect(patch.body).toMatchObject({ code: 'INVALID_REFERENCE', details: [{ field: 'listingId' }] });
    });

    it('refuses soft-deleted and unknown rows', async () => {
      const contact = await insertContact(a.id, true);
      const listing = await createListing(a.admin, a.id);
      await t.http.delete(`/v1/listings/${listing.id}`).set(as(a.admin)).expect(204);
      const res = await t.http
        .post('/v1/deals')
        .set(as(a.admin))
        .send({ title: 'x', value: '1', contactId: contact, listingId: listing.id, leadId: randomUUID() })
        .expect(422);
      expect(res.body.details.map((d: Body) => d.field).sort()).toEqual(['contactId', 'leadId', 'listingId']);
    });

    it("the database rejects a deal pointing at another organization's rows (composite keys)", async () => {
      const leadB = (await createLead(t.http, b.admin, b.id)).id;
      const contactB = await insertContact(b.id);
      const listingB = (await createListing(b.admin, b.id)).id;
      // As the owner, RLS does not apply: only the composite foreign keys stand in the way.
      for (const [column, value] of [
        ['lead_id', leadB],
        ['contact_id', contactB],
        ['listing_id', listingB],
      ]) {
        await expect(
          sql.query(`INSERT INTO deals (organization_id, title, value, ${column}) VALUES ($1, 'x', 1, $2)`, [
            a.id,
            value,
          ]),
        ).rejects.toThrow(/foreign key/);
      }
      const contactA = await insertContact(a.id);
      const ok = await sql.query(
        `INSERT INTO deals (organization_id, title, value, contact_id) VALUES ($1, 'x', 1, $2) RETURNING id`,
        [a.id, contactA],
      );
      expect(ok).toHaveLength(1);
    });
  });

  describe('list filters and sorting', () => {
    let org: Org;
    let agent: User;
    let contact: string;
    let listing: string;
    const titles = (res: { body: { data: { title: string }[] } }) => res.body.data.map((d) => d.title);

    beforeAll(async () => {
      org = await createOrg(t.http, 'Filters');
      agent = await addMember(t.http, org, 'AGENT');
      contact = await insertContact(org.id);
      listing = (await createListing(org.admin, org.id)).id;
      const rows: Body[] = [
        { title: 'Alpha Main St', value: '100000', stage: 'LEAD', expectedCloseDate: '2027-01-05' },
        { title: 'Bravo Oak Ave', value: '250000', stage: 'PROPOSAL', assignedToId: agent.id, contactId: contact },
        {
          title: 'Charlie MAIN street',
          value: '500000.75',
          stage: 'CLOSED_WON',
          listingId: listing,
          expectedCloseDate: '2027-03-01',
        },
        { title: 'Delta Pine', value: '75000', stage: 'CLOSED_LOST', lostReason: 'Price' },
      ];
      for (const row of rows) await createDeal(org.admin, org.id, row);
    });

    const list = (query: string) => t.http.get(`/v1/deals?${query}`).set(as(org.admin, org.id));

    it.each([
      ['stage=LEAD,PROPOSAL', ['Alpha Main St', 'Bravo Oak Ave']],
      ['stage=CLOSED_LOST', ['Delta Pine']],
      ['status=WON,LOST', ['Charlie MAIN street', 'Delta Pine']],
      ['status=ACTIVE', ['Alpha Main St', 'Bravo Oak Ave']],
      ['valueMin=250000', ['Bravo Oak Ave', 'Charlie MAIN street']],
      ['valueMax=250000', ['Alpha Main St', 'Bravo Oak Ave', 'Delta Pine']],
      ['valueMin=100000&valueMax=249999.99', ['Alpha Main St']],
      ['valueMin=500000.76', []],
      ['expectedCloseFrom=2027-02-01', ['Charlie MAIN street']],
      ['expectedCloseTo=2027-02-01', ['Alpha Main St']],
      ['q=main', ['Alpha Main St', 'Charlie MAIN street']],
      ['q=pine', ['Delta Pine']],
      ['q=nowhere', []],
    ])('filters by %s', async (query, expected) => {
      const res = await list(`${query}&sort=title`).expect(200);
      expect(titles(res)).toEqual(expected);
    });

    it('filters by assignee, contact and listing', async () => {
      expect(titles(await list(`assignedToId=${agent.id}`).expect(200))).toEqual(['Bravo Oak Ave']);
      expect(titles(await list(`contactId=${contact}`).expect(200))).toEqual(['Bravo Oak Ave']);
      expect(titles(await list(`listingId=${listing}`).expect(200))).toEqual(['Charlie MAIN street']);
      expect(titles(await list(`listingId=${randomUUID()}`).expect(200))).toEqual([]);
    });

    it('sorts by value, expected close date (nulls last) and timestamps', async () => {
      expect(titles(await list('sort=-value').expect(200))).toEqual([
        'Charlie MAIN street',
        'Bravo Oak Ave',
        'Alpha Main St',
        'Delta Pine',
      ]);
      const byClose = titles(await list('sort=expectedCloseDate').expect(200));
      expect(byClose.slice(0, 2)).toEqual(['Alpha Main St', 'Charlie MAIN street']);
      const byCloseDesc = titles(await list('sort=-expectedCloseDate').expect(200));
      expect(byCloseDesc.slice(0, 2)).toEqual(['Charlie MAIN street', 'Alpha Main St']);
      expect(titles(await list('sort=createdAt').expect(200))).toEqual([
        'Alpha Main St',
        'Bravo Oak Ave',
        'Charlie MAIN street',
        'Delta Pine',
      ]);
      expect(titles(await list('sort=-updatedAt').expect(200))).toHaveLength(4);
    });

    it.each(['stage=NOPE', 'status=DONE', 'valueMin=abc', 'valueMax=-5', 'sort=probability', 'contactId=x'])(
      'rejects %s with 400',
      async (query) => {
        const res = await list(query).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      },
    );
  });

  describe('tenant isolation', () => {
    it("gives org B 404 on every route for org A's deal, beside A's allowed control", async () => {
      const deal = await createDeal(a.admin, a.id, { value: '123456.78' });
      const routes = [
        (as_: Record<string, string>) => t.http.get(`/v1/deals/${deal.id}`).set(as_),
        (as_: Record<string, string>) => t.http.patch(`/v1/deals/${deal.id}`).set(as_).send({ title: 'mine' }),
        (as_: Record<string, string>) =>
          t.http.post(`/v1/deals/${deal.id}/stage`).set(as_).send({ stage: 'QUALIFIED' }),
        (as_: Record<string, string>) => t.http.get(`/v1/deals/${deal.id}/history`).set(as_),
      ];
      for (const route of routes) {
        expect((await route(as(b.admin, b.id))).status).toBe(404);
        expect((await route(as(a.admin, a.id))).status).toBe(200);
      }
      await t.http.delete(`/v1/deals/${deal.id}`).set(as(b.admin, b.id)).expect(404);
      await t.http.delete(`/v1/deals/${deal.id}`).set(as(a.admin, a.id)).expect(204);
      await t.http.post(`/v1/deals/${deal.id}/restore`).set(as(b.admin, b.id)).expect(404);
      await t.http.post(`/v1/deals/${deal.id}/restore`).set(as(a.admin, a.id)).expect(200);

      const listB = await t.http.get('/v1/deals?pageSize=100&includeDeleted=true').set(as(b.admin, b.id)).expect(200);
      expect(ids(listB)).not.toContain(deal.id);
      const listA = await t.http.get('/v1/deals?pageSize=100').set(as(a.admin, a.id)).expect(200);
      expect(ids(listA)).toContain(deal.id);
      const still = await t.http.get(`/v1/deals/${deal.id}`).set(as(a.admin, a.id)).expect(200);
      expect(still.body.title).toBe('mine'); // B's PATCH changed nothing

      // B's pipeline never counts A's deals.
      const pipeB = await t.http.get('/v1/deals/pipeline').set(as(b.admin, b.id)).expect(200);
      const pipeA = await t.http.get('/v1/deals/pipeline').set(as(a.admin, a.id)).expect(200);
      const count = (body: Body) => body.stages.reduce((s: number, r: Body) => s + r.count, 0);
      expect(count(pipeA.body)).toBeGreaterThan(0);
      const bDeals = await t.http.get('/v1/deals?pageSize=100').set(as(b.admin, b.id)).expect(200);
      expect(count(pipeB.body)).toBe(bDeals.body.meta.total);
    });
  });

  describe('deal_stage_history as crm_app (SQL)', () => {
    let dealA: string;
    let dealB: string;

    beforeAll(async () => {
      dealA = (await createDeal(a.admin, a.id)).id;
      dealB = (await createDeal(b.admin, b.id)).id;
    });

    const historyOf = (settings: { org?: string; user?: string; role?: string }) =>
      asApp(sql, settings, () =>
        sql.query<{ deal_id: string }>('SELECT deal_id FROM deal_stage_history WHERE deal_id = ANY($1)', [
          [dealA, dealB],
        ]),
      );

    it('shows nothing without a tenant setting, and only the current organization’s rows with one', async () => {
      const owner = await sql.query('SELECT 1 FROM deal_stage_history WHERE deal_id = ANY($1)', [[dealA, dealB]]);
      expect(owner).toHaveLength(2); // control: the rows exist
      expect(await historyOf({})).toHaveLength(0);
      const seen = await historyOf({ org: a.id, user: a.admin.id, role: 'ADMIN' });
      expect(seen.map((r) => r.deal_id)).toEqual([dealA]);
    });

    it('lets crm_app insert only a row that matches the deal, and never update or delete', async () => {
      const ctx = { org: a.id, user: a.admin.id, role: 'ADMIN' };
      // A forged row (the deal is at LEAD, not CLOSED_WON) is refused by the insert policy...
      await expect(
        asApp(
          sql,
          ctx,
          () =>
            sql.query(
              `INSERT INTO deal_stage_history (organization_id, deal_id, from_stage, to_stage) VALUES ($1, $2, 'LEAD', 'CLOSED_WON')`,
              [a.id, dealA],
            ),
          { commit: true },
        ),
      ).rejects.toThrow(/row-level security/);
      // ...as is one for another organization's deal.
      await expect(
        asApp(
          sql,
          ctx,
          () =>
            sql.query(`INSERT INTO deal_stage_history (organization_id, deal_id, to_stage) VALUES ($1, $2, 'LEAD')`, [
              b.id,
              dealB,
            ]),
          { commit: true },
        ),
      ).rejects.toThrow(/row-level security/);
      await expect(
        asApp(
          sql,
          ctx,
          () => sql.query(`UPDATE deal_stage_history SET to_stage = 'CLOSED_WON' WHERE deal_id = $1`, [dealA]),
          { commit: true },
        ),
      ).rejects.toThrow(/permission denied/);
      await expect(
        asApp(sql, ctx, () => sql.query('DELETE FROM deal_stage_history WHERE deal_id = $1', [dealA]), {
          commit: true,
        }),
      ).rejects.toThrow(/permission denied/);
      // control: a row describing the deal's actual stage is accepted
      const ok = await asApp(sql, ctx, () =>
        sql.query(
          `INSERT INTO deal_stage_history (organization_id, deal_id, to_stage) VALUES ($1, $2, 'LEAD') RETURNING id`,
          [a.id, dealA],
        ),
      );
      expect(ok).toHaveLength(1);
    });

    it("rejects a history row pointing at another organization's deal (composite key)", async () => {
      await expect(
        sql.query(`INSERT INTO deal_stage_history (organization_id, deal_id, to_stage) VALUES ($1, $2, 'LEAD')`, [
          a.id,
          dealB,
        ]),
      ).rejects.toThrow(/foreign key/);
      const ok = await sql.query(
        `INSERT INTO deal_stage_history (organization_id, deal_id, to_stage) VALUES ($1, $2, 'LEAD') RETURNING id`,
        [a.id, dealA],
      );
      expect(ok).toHaveLength(1);
    });

    it('is RLS-enabled and forced, with policies', async () => {
      const [row] = await sql.query<{ enabled: boolean; forced: boolean; policies: number }>(`
        SELECT c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
               (SELECT count(*)::int FROM pg_policies p WHERE p.tablename = c.relname) AS policies
        FROM pg_class c WHERE c.relname = 'deal_stage_history'`);
      expect(row).toEqual({ enabled: true, forced: true, policies: 3 });
    });
  });
});
