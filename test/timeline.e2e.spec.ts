import { describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, type User, twoOrganizations } from './helpers/fixtures.js';
import { createActivity, createAppointment, createContact, createDeal, createListing } from './helpers/records.js';

interface Item {
  type: string;
  occurredAt: string;
  actor: { id: string; name: string | null } | null;
  summary: string;
  data: Record<string, any>;
}

describe('timelines', () => {
  const { t, a, b } = twoOrganizations();

  /** Every item, by following nextCursor with the given page size. */
  async function walk(path: string, user: User, limit: number): Promise<{ items: Item[]; pages: number }> {
    const items: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.http.get(url).set(as(user)).expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.data);
      cursor = res.body.nextCursor;
      pages++;
      if (pages > 200) throw new Error('cursor does not advance');
    } while (cursor);
    return { items, pages };
  }

  const key = (i: Item) => `${i.type}:${i.data.id}`;

  /** Newest first; equal times in descending id order. */
  function expectNewestFirst(items: Item[]): void {
    for (let i = 1; i < items.length; i++) {
      const [prev, cur] = [items[i - 1], items[i]];
      const order = Date.parse(prev.occurredAt) - Date.parse(cur.occurredAt);
      expect({ i, ok: order > 0 || (order === 0 && prev.data.id > cur.data.id) }).toEqual({ i, ok: true });
    }
  }

  it("merges a lead's activities and appointments newest first, paging with no gaps or duplicates", async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    const at = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 10, h, m)).toISOString();
    // Interleaved in time, created out of order, with two items at the very same instant.
    await createActivity(t.http, a.admin, a.id, { type: 'CALL', title: 'Call 1', leadId: lead.id, completedAt: at(9) });
    await createAppointment(t.http, a.admin, a.id, {
      title: 'Showing',
      leadId: lead.id,
      startsAt: at(12),
      endsAt: at(13),
    });
    await createActivity(t.http, a.admin, a.id, {
      type: 'EMAIL',
      title: 'Email',
      leadId: lead.id,
      completedAt: at(11),
    });
    await createActivity(t.http, a.admin, a.id, { type: 'NOTE', title: 'Tie 1', leadId: lead.id, completedAt: at(10) });
    await createActivity(t.http, a.admin, a.id, { type: 'NOTE', title: 'Tie 2', leadId: lead.id, completedAt: at(10) });
    await createAppointment(t.http, a.admin, a.id, {
      title: 'Meeting',
      type: 'MEETING',
      leadId: lead.id,
      startsAt: at(10),
      endsAt: at(10, 30),
    });
    // Open activities sit at their creation time: now, after everything above.
    const open = await createActivity(t.http, a.admin, a.id, { type: 'TASK', title: 'Open task', leadId: lead.id });

    const path = `/v1/leads/${lead.id}/timeline`;
    const full = await t.http.get(`${path}?limit=100`).set(as(a.admin)).expect(200);
    expect(full.body.nextCursor).toBeNull();
    const items: Item[] = full.body.data;
    expect(items).toHaveLength(7);
    expectNewestFirst(items);
    expect(items[0]).toMatchObject({ type: 'activity', summary: 'Task: Open task (open)', data: { id: open.id } });
    expect(items.map((i) => i.data.title)).toEqual([
      'Open task',
      'Showing',
      'Email',
      ...items.slice(3, 6).map((i) => i.data.title), // the three 10:00 items, by id
      'Call 1',
    ]);
    expect(
      items
        .slice(3, 6)
        .map((i) => i.data.title)
        .sort(),
    ).toEqual(['Meeting', 'Tie 1', 'Tie 2']);
    const showing = items[1];
    expect(showing).toMatchObject({
      type: 'appointment',
      occurredAt: at(12),
      actor: { id: a.admin.id, name: 'A Admin' },
      summary: 'Showing: Showing (SCHEDULED)',
      data: { type: 'SHOWING', status: 'SCHEDULED', startsAt: at(12), endsAt: at(13), agentId: a.admin.id },
    });
    expect(items[2]).toMatchObject({
      type: 'activity',
      occurredAt: at(11),
      summary: 'Email: Email',
      data: { type: 'EMAIL', completedAt: at(11), dueDate: null },
    });

    for (const limit of [1, 2, 3]) {
      const { items: paged, pages } = await walk(path, a.admin, limit);
      expect(paged.map(key)).toEqual(items.map(key));
      expect(new Set(paged.map(key)).size).toBe(paged.length);
      expect(pages).toBe(Math.ceil(7 / limit));
    }
  });

  it('pages a long timeline (activities and appointments written straight to the table)', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    const sql = t.db.admin;
    // 40 activities and 20 appointments, many sharing a timestamp across kinds.
    await sql.query(
      `INSERT INTO activities (organization_id, type, title, lead_id, created_by_id, created_at, completed_at)
       SELECT $1, 'CALL', 'bulk ' || g, $2, $3, '2026-01-01T00:00:00Z'::timestamptz + (g / 3) * interval '1 hour',
              CASE WHEN g % 2 = 0 THEN '2026-01-01T00:00:00Z'::timestamptz + (g / 4) * interval '1 hour' END
       FROM generate_series(1, 40) g`,
      [a.id, lead.id, a.admin.id],
    );
    await sql.query(
      `INSERT INTO appointments (organization_id, title, lead_id, starts_at, ends_at, status)
       SELECT $1, 'bulk ' || g, $2, '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 hour',
              '2026-01-01T00:30:00Z'::timestamptz + g * interval '1 hour', 'COMPLETED'
       FROM generate_series(1, 20) g`,
      [a.id, lead.id],
    );
    const full = await walk(`/v1/leads/${lead.id}/timeline`, a.admin, 100);
    expect(full.items).toHaveLength(60);
    expectNewestFirst(full.items);
    expect(full.items[full.items.length - 1].actor).toEqual({ id: a.admin.id, name: 'A Admin' });
    expect(full.items.find((i) => i.type === 'appointment')!.actor).toBeNull();
    for (const limit of [2, 7]) {
      const paged = await walk(`/v1/leads/${lead.id}/timeline`, a.admin, limit);
      expect(paged.items.map(key)).toEqual(full.items.map(key));
    }
  });

  it("shows a deal's stage changes beside its activities and appointments", async () => {
    const deal = await createDeal(t.http, a.admin, a.id);
    await t.http.post(`/v1/deals/${deal.id}/stage`).set(as(a.admin)).send({ stage: 'QUALIFIED' }).expect(200);
    await createActivity(t.http, a.admin, a.id, {
      type: 'MEETING',
      title: 'Kickoff',
      dealId: deal.id,
      completedAt: new Date().toISOString(),
    });
    await t.http.post(`/v1/deals/${deal.id}/stage`).set(as(a.admin)).send({ stage: 'PROPOSAL' }).expect(200);
    await createAppointment(t.http, a.admin, a.id, {
      title: 'Signing',
      type: 'MEETING',
      dealId: deal.id,
      startsAt: '2031-01-01T10:00:00Z',
      endsAt: '2031-01-01T11:00:00Z',
    });
    const { items } = await walk(`/v1/deals/${deal.id}/timeline`, a.admin, 2);
    expectNewestFirst(items);
    expect(items.map((i) => i.type)).toEqual([
      'appointment',
      'stage_change',
      'activity',
      'stage_change',
      'stage_change',
    ]);
    expect(items.map((i) => i.summary)).toEqual([
      'Meeting: Signing (SCHEDULED)',
      'Stage QUALIFIED → PROPOSAL',
      'Meeting: Kickoff',
      'Stage LEAD → QUALIFIED',
      'Stage set to LEAD',
    ]);
    expect(items[1]).toMatchObject({
      actor: { id: a.admin.id },
      data: { fromStage: 'QUALIFIED', toStage: 'PROPOSAL' },
    });
  });

  it("shows a listing's price and status changes beside its activities", async () => {
    const listing = await createListing(t.http, a.admin, a.id, { price: '1000000.00' });
    await t.http.patch(`/v1/listings/${listing.id}`).set(as(a.admin)).send({ price: '950000.00' }).expect(200);
    await createActivity(t.http, a.admin, a.id, {
      type: 'OPEN_HOUSE',
      title: 'Open house',
      listingId: listing.id,
      completedAt: new Date().toISOString(),
    });
    await t.http.patch(`/v1/listings/${listing.id}`).set(as(a.admin)).send({ status: 'PENDING' }).expect(200);
    const { items } = await walk(`/v1/listings/${listing.id}/timeline`, a.admin, 2);
    expectNewestFirst(items);
    expect(new Set(items.map((i) => i.type))).toEqual(new Set(['status_change', 'activity', 'price_change']));
    expect(items[0]).toMatchObject({ type: 'status_change', summary: 'Status ACTIVE → PENDING' });
    expect(items.find((i) => i.summary === 'Price 1000000.00 → 950000.00')).toMatchObject({
      type: 'price_change',
      data: { oldPrice: '1000000.00', newPrice: '950000.00' },
    });
    expect(items.map((i) => i.summary)).toEqual(
      expect.arrayContaining(['Price set to 1000000.00', 'Status set to ACTIVE', 'Open house: Open house']),
    );
  });

  it("shows a contact's activities and the appointments they attend", async () => {
    const contact = await createContact(t.http, a.admin, a.id);
    const other = await createContact(t.http, a.admin, a.id);
    await createActivity(t.http, a.admin, a.id, { type: 'EMAIL', title: 'Hello', contactId: contact.id });
    const attending = await createAppointment(t.http, a.admin, a.id, {
      title: 'Coffee',
      type: 'MEETING',
      startsAt: '2031-02-01T10:00:00Z',
      endsAt: '2031-02-01T11:00:00Z',
      attendeeContactIds: [contact.id, other.id],
    });
    await createAppointment(t.http, a.admin, a.id, {
      title: 'Not theirs',
      startsAt: '2031-02-02T10:00:00Z',
      endsAt: '2031-02-02T11:00:00Z',
      attendeeContactIds: [other.id],
    });
    const { items } = await walk(`/v1/contacts/${contact.id}/timeline`, a.admin, 1);
    expect(items.map((i) => [i.type, i.data.title])).toEqual([
      ['appointment', 'Coffee'],
      ['activity', 'Hello'],
    ]);
    expect(items[0].data.id).toBe(attending.id);
  });

  it('validates limit and cursor', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    const path = `/v1/leads/${lead.id}/timeline`;
    await t.http.get(`${path}?limit=0`).set(as(a.admin)).expect(400);
    await t.http.get(`${path}?limit=101`).set(as(a.admin)).expect(400);
    await t.http.get(`${path}?limit=100`).set(as(a.admin)).expect(200);
    const bad = await t.http.get(`${path}?cursor=not-a-cursor`).set(as(a.admin)).expect(400);
    expect(bad.body.details).toEqual([
      expect.objectContaining({ field: 'cursor', message: 'is not a cursor returned by this endpoint' }),
    ]);
    const forged = Buffer.from('2026-01-01T00:00:00.000Z|activity|nope').toString('base64url');
    await t.http.get(`${path}?cursor=${forged}`).set(as(a.admin)).expect(400);
    await t.http.get(`${path}?cursor=a%20b`).set(as(a.admin)).expect(400);
    const empty = await t.http.get(path).set(as(a.admin)).expect(200);
    expect(empty.body).toEqual({ data: [], nextCursor: null });
  });

  it('answers 404 for another organization’s record on every timeline, beside the allowed control', async () => {
    const records = {
      leads: await createLead(t.http, a.admin, a.id),
      contacts: await createContact(t.http, a.admin, a.id),
      deals: await createDeal(t.http, a.admin, a.id),
      listings: await createListing(t.http, a.admin, a.id),
    };
    for (const [resource, record] of Object.entries(records)) {
      await createActivity(t.http, a.admin, a.id, {
        [`${resource.slice(0, -1)}Id`]: record.id,
        title: 'secret',
      });
      const path = `/v1/${resource}/${record.id}/timeline`;
      const mine = await t.http.get(path).set(as(a.admin)).expect(200);
      expect(mine.body.data.some((i: Item) => i.data.title === 'secret')).toBe(true);
      const theirs = await t.http.get(path).set(as(b.admin)).expect(404);
      expect(theirs.body.code).toBe('NOT_FOUND');
      await t.http.get(`/v1/${resource}/00000000-0000-4000-8000-000000000000/timeline`).set(as(a.admin)).expect(404);
      await t.http.get(`/v1/${resource}/nope/timeline`).set(as(a.admin)).expect(400);
    }
  });

  it('answers 404 for a soft-deleted record and for an AGENT on a lead that is not theirs', async () => {
    const agent = await addMember(t.http, a, 'AGENT');
    const theirs = await createLead(t.http, a.admin, a.id, { assignedToId: agent.id });
    const notTheirs = await createLead(t.http, a.admin, a.id);
    await t.http.get(`/v1/leads/${theirs.id}/timeline`).set(as(agent)).expect(200);
    await t.http.get(`/v1/leads/${notTheirs.id}/timeline`).set(as(agent)).expect(404);
    await t.http.delete(`/v1/leads/${theirs.id}`).set(as(a.admin)).expect(204);
    await t.http.get(`/v1/leads/${theirs.id}/timeline`).set(as(a.admin)).expect(404);
    const viewer = await addMember(t.http, a, 'VIEWER');
    await t.http.get(`/v1/leads/${notTheirs.id}/timeline`).set(as(viewer)).expect(200);
  });
});
