import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { createActivity, createAppointment, createContact, createDeal, createListing } from './helpers/records.js';
import { createTicket, ids, type Json } from './helpers/tickets.js';

const APRIL = 'from=2031-04-01T00:00:00Z&to=2031-05-01T00:00:00Z';
const slot = (day: number) => ({
  startsAt: new Date(Date.UTC(2031, 3, day, 10)).toISOString(),
  endsAt: new Date(Date.UTC(2031, 3, day, 11)).toISOString(),
});
const sorted = (values: string[]) => [...values].sort();

/** A list and how to make its rows: `make(org, i)` returns the new row's id; i = 0 is the one `only` matches. */
interface Family {
  path: (org: Org) => string;
  make: (org: Org, i: number) => Promise<string>;
  /** Another filter that matches row 0 only (ids= is ANDed with it); none when the list has no other filter. */
  only?: (org: Org) => string;
}

describe('ids=: only the named rows, on every list', () => {
  const { t, a, b } = twoOrganizations();
  let agent: User;
  let tickets: Record<string, string>;

  const list = (path: string, user: User, orgId?: string) => t.http.get(path).set(as(user, orgId)).expect(200);
  const withIds = (path: string, values: string[]) => `${path}${path.includes('?') ? '&' : '?'}ids=${values.join(',')}`;

  beforeAll(async () => {
    agent = await addMember(t.http, a, 'AGENT');
    tickets = {
      [a.id]: (await createTicket(t.http, a.admin, a.id)).id,
      [b.id]: (await createTicket(t.http, b.admin, b.id)).id,
    };
  });

  const marker = randomUUID().slice(0, 8);
  const named = (i: number) => `ids-${marker}-${i === 0 ? 'first' : `other-${i}`}`;

  const families: Record<string, Family> = {
    leads: {
      path: () => '/v1/leads',
      make: async (org, i) => (await createLead(t.http, org.admin, org.id, { name: named(i) })).id,
      only: () => `/v1/leads?q=${named(0)}`,
    },
    contacts: {
      path: () => '/v1/contacts',
      make: async (org, i) => (await createContact(t.http, org.admin, org.id, { name: named(i) })).id,
      only: () => `/v1/contacts?q=${named(0)}`,
    },
    deals: {
      path: () => '/v1/deals',
      make: async (org, i) => (await createDeal(t.http, org.admin, org.id, { title: named(i) })).id,
      only: () => `/v1/deals?q=${named(0)}`,
    },
    listings: {
      path: () => '/v1/listings',
      make: async (org, i) => (await createListing(t.http, org.admin, org.id, { title: named(i) })).id,
      only: () => `/v1/listings?q=${named(0)}`,
    },
    activities: {
      path: () => '/v1/activities',
      make: async (org, i) => {
        const listing = await createListing(t.http, org.admin, org.id);
        return (
          await createActivity(t.http, org.admin, org.id, { listingId: listing.id, type: i === 0 ? 'MEETING' : 'CALL' })
        ).id;
      },
      only: () => '/v1/activities?type=MEETING',
    },
    appointments: {
      path: () => `/v1/appointments?${APRIL}`,
      make: async (org, i) =>
        (await createAppointment(t.http, org.admin, org.id, { ...slot(i + 1), type: i === 0 ? 'MEETING' : 'SHOWING' }))
          .id,
      only: () => `/v1/appointments?${APRIL}&type=MEETING`,
    },
    tickets: {
      path: () => '/v1/tickets',
      make: async (org, i) => (await createTicket(t.http, org.admin, org.id, { title: named(i) })).id,
      only: () => `/v1/tickets?q=${named(0)}`,
    },
    'ticket comments': {
      path: (org) => `/v1/tickets/${tickets[org.id]}/comments`,
      make: async (org) => {
        const res = await t.http
          .post(`/v1/tickets/${tickets[org.id]}/comments`)
          .set(as(org.admin, org.id))
          .send({ body: 'A comment' })
          .expect(201);
        return res.body.id as string;
      },
    },
    'ticket attachments': {
      path: (org) => `/v1/tickets/${tickets[org.id]}/attachments`,
      // The list reads metadata rows; the files themselves are the storage specs' business.
      make: async (org) => {
        const [row] = await t.db.admin.query<{ id: string }>(
          `INSERT INTO ticket_attachments (organization_id, ticket_id, file_name, file_size, mime_type, storage_path)
           VALUES ($1, $2, 'note.txt', 4, 'text/plain', $3) RETURNING id`,
          [org.id, tickets[org.id], `${org.id}/${tickets[org.id]}/${randomUUID()}-note.txt`],
        );
        return row.id;
      },
    },
    'ticket share links': {
      path: (org) => `/v1/tickets/${tickets[org.id]}/share`,
      make: async (org) => {
        const res = await t.http
          .post(`/v1/tickets/${tickets[org.id]}/share`)
          .set(as(org.admin, org.id))
          .send({})
          .expect(201);
        return res.body.id as string;
      },
    },
  };

  describe.each(Object.entries(families))('%s', (_name, family) => {
    let mine: string[];
    let theirs: string;

    beforeAll(async () => {
      mine = [];
      for (let i = 0; i < 3; i++) mine.push(await family.make(a, i));
      theirs = await family.make(b, 0);
    });

    it("lists exactly the named rows it can see, never another organization's (allowed beside denied)", async () => {
      const res = await list(withIds(family.path(a), [mine[0], mine[1], theirs]), a.admin);
      expect(sorted(ids(res))).toEqual(sorted([mine[0], mine[1]]));
      expect(res.body.meta.total).toBe(2);
      // Control: B names its own row and gets it.
      expect(ids(await list(withIds(family.path(b), [theirs, mine[0]]), b.admin))).toEqual([theirs]);
    });

    it('takes UUIDs in any case, as path ids', async () => {
      const res = await list(withIds(family.path(a), [mine[2].toUpperCase()]), a.admin);
      expect(ids(res)).toEqual([mine[2]]);
    });

    it('takes the parameter repeated as well as comma-separated', async () => {
      const path = family.path(a);
      const res = await list(`${path}${path.includes('?') ? '&' : '?'}ids=${mine[1]}&ids=${mine[2]}`, a.admin);
      expect(sorted(ids(res))).toEqual(sorted([mine[1], mine[2]]));
    });

    if (family.only) {
      const only = family.only;
      it('combines with the other filters (AND)', async () => {
        expect(ids(await list(withIds(only(a), [mine[0], mine[1]]), a.admin))).toEqual([mine[0]]);
        expect(ids(await list(withIds(only(a), [mine[1], mine[2]]), a.admin))).toEqual([]);
      });
    }
  });

  it("a ticket's sub-lists are ANDed with their ticket: another ticket's comment is not listed", async () => {
    const other = await createTicket(t.http, a.admin, a.id);
    const comment = await t.http
      .post(`/v1/tickets/${other.id}/comments`)
      .set(as(a.admin))
      .send({ body: 'Elsewhere' })
      .expect(201);
    const res = await list(`/v1/tickets/${tickets[a.id]}/comments?ids=${comment.body.id}`, a.admin);
    expect(ids(res)).toEqual([]);
    expect(ids(await list(`/v1/tickets/${other.id}/comments?ids=${comment.body.id}`, a.admin))).toEqual([
      comment.body.id,
    ]);
  });

  it("an AGENT naming another agent's lead gets only their own", async () => {
    const hidden = await createLead(t.http, a.admin, a.id);
    const own = await createLead(t.http, agent, a.id);
    expect(ids(await list(`/v1/leads?ids=${hidden.id},${own.id}`, agent))).toEqual([own.id]);
    expect(sorted(ids(await list(`/v1/leads?ids=${hidden.id},${own.id}`, a.admin)))).toEqual(
      sorted([hidden.id, own.id]),
    );
  });

  it('members, by user id', async () => {
    const manager = await addMember(t.http, a, 'MANAGER');
    const res = await list(`/v1/members?ids=${agent.id},${manager.id},${b.admin.id}`, a.admin);
    expect(sorted(res.body.data.map((m: Json) => m.userId))).toEqual(sorted([agent.id, manager.id]));
    const mineB = await list(`/v1/members?ids=${agent.id},${b.admin.id}`, b.admin);
    expect(mineB.body.data.map((m: Json) => m.userId)).toEqual([b.admin.id]);
  });

  it('notifications: only your own among the ids, ANDed with unread', async () => {
    const leads = [];
    for (let i = 0; i < 3; i++) leads.push(await createLead(t.http, a.admin, a.id, { assignedToId: agent.id }));
    const all = await list('/v1/notifications?pageSize=100', agent);
    const [n1, n2, n3] = ids(all).slice(0, 3);
    await t.http.post(`/v1/notifications/${n2}/read`).set(as(agent)).expect(200);
    expect(sorted(ids(await list(`/v1/notifications?ids=${n1},${n2}`, agent)))).toEqual(sorted([n1, n2]));
    expect(ids(await list(`/v1/notifications?ids=${n1},${n2}&unread=true`, agent))).toEqual([n1]);
    // Someone else's notification is not theirs to list, even by id.
    expect(ids(await list(`/v1/notifications?ids=${n3}`, a.admin))).toEqual([]);
  });

  it('organizations: only the ones you belong to among the ids', async () => {
    const e = await createOrg(t.http, 'E');
    const second = await t.http.post('/v1/organizations').set(as(e.admin)).send({ name: 'E2' }).expect(201);
    const res = await list(`/v1/organizations?ids=${e.id},${a.id}`, e.admin);
    expect(ids(res)).toEqual([e.id]);
    expect(res.body.meta.total).toBe(1);
    expect(sorted(ids(await list(`/v1/organizations?ids=${e.id},${second.body.id}`, e.admin)))).toEqual(
      sorted([e.id, second.body.id]),
    );
  });

  describe('validation', () => {
    const uuids = (n: number) => Array.from({ length: n }, () => randomUUID());

    it.each([
      ['/v1/leads?ids=not-a-uuid', 'INVALID_FORMAT'],
      [`/v1/deals?ids=${randomUUID()},42`, 'INVALID_FORMAT'],
      [`/v1/members?ids=${uuids(101).join(',')}`, 'TOO_LONG'],
      [`/v1/appointments?${APRIL}&ids=${uuids(101).join(',')}`, 'TOO_LONG'],
    ])('%s → 400 naming ids (%s)', async (path, code) => {
      const res = await t.http.get(path).set(as(a.admin)).expect(400);
      expect(res.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: 'ids', code })],
      });
    });

    it('on sub-lists too; 100 ids are fine, an empty ids= is no filter', async () => {
      const res = await t.http.get(`/v1/tickets/${tickets[a.id]}/attachments?ids=nope`).set(as(a.admin)).expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'ids' })]);
      await list(`/v1/leads?ids=${uuids(100).join(',')}`, a.admin);
      const empty = await list('/v1/tickets?ids=', a.admin);
      expect(empty.body.meta.total).toBeGreaterThan(0);
    });
  });
});
