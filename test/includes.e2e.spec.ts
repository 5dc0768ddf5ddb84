import { beforeAll, describe, expect, it } from '@jest/globals';
import type { TicketOutput } from '../src/tickets/dto/ticket.output.js';
import { TenantDb } from '../src/database/tenant-db.js';
import { IncludesService } from '../src/includes/includes.service.js';
import type { LeadOutput } from '../src/leads/dto/lead.output.js';
import { LEAD_INCLUDES } from '../src/leads/leads.includes.js';
import { addMember, as, createLead, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { createActivity, createAppointment, createContact, createDeal, createListing } from './helpers/records.js';
import { countStatements } from './helpers/statements.js';
import { createTicket, type Json } from './helpers/tickets.js';

/** [start, end) on day `day` of March 2031, whole hours (UTC). */
const slot = (day: number, from: number, to: number) => ({
  startsAt: new Date(Date.UTC(2031, 2, day, from)).toISOString(),
  endsAt: new Date(Date.UTC(2031, 2, day, to)).toISOString(),
});
const MARCH = 'from=2031-03-01T00:00:00Z&to=2031-04-01T00:00:00Z';

describe('include=: related records as compact summaries', () => {
  const { t, a, b } = twoOrganizations();
  let agent: User;
  let manager: User;

  const person = (user: User, fullName: string | null) => ({ id: user.id, fullName });
  const get = (path: string, user: User, orgId?: string) => t.http.get(path).set(as(user, orgId)).expect(200);
  /** A list filtered to one row, with the includes asked for; that row. */
  const listed = async (path: string, id: string, include: string, user: User = a.admin): Promise<Json> => {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(`${path}${sep}ids=${id}&include=${include}`, user);
    expect(res.body.data).toHaveLength(1);
    return res.body.data[0] as Json;
  };

  beforeAll(async () => {
    agent = await addMember(t.http, a, 'AGENT');
    manager = await addMember(t.http, a, 'MANAGER');
  });

  describe('each resource, on its list and its single GET', () => {
    it('leads: assignee, createdBy, convertedContact — absent unless asked for, no email', async () => {
      const lead = await createLead(t.http, a.admin, a.id, { assignedToId: agent.id });
      const converted = await t.http.post(`/v1/leads/${lead.id}/convert`).set(as(a.admin)).send({}).expect(200);
      const contactId = converted.body.contact.id as string;

      const plain = await get(`/v1/leads/${lead.id}`, a.admin);
      for (const name of ['assignee', 'createdBy', 'convertedContact']) expect(plain.body).not.toHaveProperty(name);

      const expected = {
        assignedToId: agent.id,
        assignee: person(agent, 'AGENT user'),
        createdBy: person(a.admin, 'A Admin'),
        convertedContact: { id: contactId, name: lead.name },
      };
      const one = await get(`/v1/leads/${lead.id}?include=assignee,createdBy,convertedContact`, a.admin);
      expect(one.body).toMatchObject(expected);
      // Exactly {id, fullName}: a summary never carries the member's email.
      expect(Object.keys(one.body.assignee).sort()).toEqual(['fullName', 'id']);
      expect(JSON.stringify(one.body)).not.toContain(agent.email);
      // Repeated parameters work as well as a comma-separated one.
      const row = await listed('/v1/leads', lead.id, 'assignee&include=createdBy,convertedContact');
      expect(row).toMatchObject(expected);
      // Only what was asked for.
      const some = await listed('/v1/leads', lead.id, 'createdBy');
      expect(some.createdBy).toEqual(person(a.admin, 'A Admin'));
      expect(some).not.toHaveProperty('assignee');
    });

    it('leads: a missing relation is null, and a member without a name keeps fullName null', async () => {
      const nameless = await addMember(t.http, a, 'AGENT');
      await t.db.admin.query('UPDATE profiles SET full_name = NULL WHERE id = $1', [nameless.id]);
      const lead = await createLead(t.http, nameless, a.id);
      const got = await get(`/v1/leads/${lead.id}?include=assignee,createdBy,convertedContact`, a.admin);
      expect(got.body).toMatchObject({ assignee: null, convertedContact: null, createdBy: person(nameless, null) });
    });

    it('contacts: assignee, createdBy, sourceLead (also beside the detail counts)', async () => {
      const lead = await createLead(t.http, a.admin, a.id, { assignedToId: agent.id });
      const converted = await t.http.post(`/v1/leads/${lead.id}/convert`).set(as(manager)).send({}).expect(200);
      const contactId = converted.body.contact.id as string;
      const expected = {
        assignee: person(agent, 'AGENT user'),
        createdBy: person(manager, 'MANAGER user'),
        sourceLead: { id: lead.id, name: lead.name },
      };
      const one = await get(`/v1/contacts/${contactId}?include=assignee,createdBy,sourceLead`, a.admin);
      expect(one.body).toMatchObject({ ...expected, counts: { deals: 0, openActivities: 0 } });
      expect(await listed('/v1/contacts', contactId, 'assignee,createdBy,sourceLead')).toMatchObject(expected);
    });

    it('deals: contact, listing, lead, assignee, createdBy', async () => {
      const [contact, listing, lead] = [
        await createContact(t.http, a.admin, a.id),
        await createListing(t.http, a.admin, a.id),
        await createLead(t.http, a.admin, a.id),
      ];
      const deal = await createDeal(t.http, manager, a.id, {
        contactId: contact.id,
        listingId: listing.id,
        leadId: lead.id,
        assignedToId: agent.id,
      });
      const expected = {
        contact: { id: contact.id, name: contact.name },
        listing: { id: listing.id, title: listing.title },
        lead: { id: lead.id, name: lead.name },
        assignee: person(agent, 'AGENT user'),
        createdBy: person(manager, 'MANAGER user'),
      };
      const include = 'contact,listing,lead,assignee,createdBy';
      expect((await get(`/v1/deals/${deal.id}?include=${include}`, a.admin)).body).toMatchObject(expected);
      expect(await listed('/v1/deals', deal.id, include)).toMatchObject(expected);
    });

    it('listings: assignee, createdBy', async () => {
      const listing = await createListing(t.http, a.admin, a.id, { assignedToId: manager.id });
      const expected = { assignee: person(manager, 'MANAGER user'), createdBy: person(a.admin, 'A Admin') };
      expect((await get(`/v1/listings/${listing.id}?include=assignee,createdBy`, a.admin)).body).toMatchObject(
        expected,
      );
      expect(await listed('/v1/listings', listing.id, 'assignee,createdBy')).toMatchObject(expected);
    });

    it('activities: lead, contact, deal, listing, assignee, createdBy', async () => {
      const [lead, contact, listing] = [
        await createLead(t.http, a.admin, a.id),
        await createContact(t.http, a.admin, a.id),
        await createListing(t.http, a.admin, a.id),
      ];
      const deal = await createDeal(t.http, a.admin, a.id);
      const activity = await createActivity(t.http, a.admin, a.id, {
        leadId: lead.id,
        contactId: contact.id,
        dealId: deal.id,
        listingId: listing.id,
        assignedToId: manager.id,
      });
      const expected = {
        lead: { id: lead.id, name: lead.name },
        contact: { id: contact.id, name: contact.name },
        deal: { id: deal.id, title: deal.title },
        listing: { id: listing.id, title: listing.title },
        assignee: person(manager, 'MANAGER user'),
        createdBy: person(a.admin, 'A Admin'),
      };
      const include = 'lead,contact,deal,listing,assignee,createdBy';
      expect((await get(`/v1/activities/${activity.id}?include=${include}`, a.admin)).body).toMatchObject(expected);
      expect(await listed('/v1/activities', activity.id, include)).toMatchObject(expected);
    });

    it('appointments: agent, lead, deal, listing, attendees (in order), createdBy', async () => {
      const [lead, listing, c1, c2] = [
        await createLead(t.http, a.admin, a.id),
        await createListing(t.http, a.admin, a.id),
        await createContact(t.http, a.admin, a.id),
        await createContact(t.http, a.admin, a.id),
      ];
      const deal = await createDeal(t.http, a.admin, a.id);
      const appointment = await createAppointment(t.http, a.admin, a.id, {
        ...slot(2, 10, 11),
        agentId: manager.id,
        leadId: lead.id,
        dealId: deal.id,
        listingId: listing.id,
        attendeeContactIds: [c1.id, c2.id],
      });
      const byId = new Map([c1, c2].map((c) => [c.id, { id: c.id, name: c.name }]));
      const expected = {
        agent: person(manager, 'MANAGER user'),
        lead: { id: lead.id, name: lead.name },
        deal: { id: deal.id, title: deal.title },
        listing: { id: listing.id, title: listing.title },
        attendees: (appointment.attendeeContactIds as string[]).map((id) => byId.get(id)),
        createdBy: person(a.admin, 'A Admin'),
      };
      const include = 'agent,lead,deal,listing,attendees,createdBy';
      expect((await get(`/v1/appointments/${appointment.id}?include=${include}`, a.admin)).body).toMatchObject(
        expected,
      );
      expect(await listed(`/v1/appointments?${MARCH}`, appointment.id, include)).toMatchObject(expected);
    });

    it('tickets: each assignee gains its member as `user`; contact, listing, createdBy', async () => {
      const [contact, listing] = [
        await createContact(t.http, a.admin, a.id),
        await createListing(t.http, a.admin, a.id),
      ];
      const ticket = await createTicket(t.http, a.admin, a.id, {
        contactId: contact.id,
        listingId: listing.id,
        assigneeIds: [agent.id, manager.id],
      });
      const names = new Map([
        [agent.id, 'AGENT user'],
        [manager.id, 'MANAGER user'],
      ]);
      const expected = {
        assignees: (ticket as TicketOutput).assignees.map((x) => ({
          ...x,
          user: { id: x.userId, fullName: names.get(x.userId) },
        })),
        contact: { id: contact.id, name: contact.name },
        listing: { id: listing.id, title: listing.title },
        createdBy: person(a.admin, 'A Admin'),
      };
      const include = 'assignees,contact,listing,createdBy';
      expect((await get(`/v1/tickets/${ticket.id}?include=${include}`, a.admin)).body).toMatchObject(expected);
      expect(await listed('/v1/tickets', ticket.id, include)).toMatchObject(expected);
      const plain = await get(`/v1/tickets/${ticket.id}`, a.admin);
      expect(plain.body.assignees[0]).not.toHaveProperty('user');
    });
  });

  describe('never reveals what the caller may not see', () => {
    it("an AGENT's activity on another agent's lead: lead is null for the AGENT, shown to the ADMIN", async () => {
      const hidden = await createLead(t.http, a.admin, a.id);
      const listing = await createListing(t.http, a.admin, a.id);
      const activity = await createActivity(t.http, a.admin, a.id, {
        leadId: hidden.id,
        listingId: listing.id,
        assignedToId: agent.id,
      });
      await t.http.get(`/v1/leads/${hidden.id}`).set(as(agent)).expect(404);
      const path = `/v1/activities/${activity.id}?include=lead,listing`;
      const mine = await get(path, agent);
      // Denied beside allowed: the lead is hidden, the listing (every member's) is not.
      expect(mine.body).toMatchObject({ leadId: hidden.id, lead: null, listing: { id: listing.id } });
      expect(JSON.stringify(mine.body)).not.toContain(hidden.name);
      expect(await listed('/v1/activities', activity.id, 'lead,listing', agent)).toMatchObject({ lead: null });
      // Control: the ADMIN sees the same lead.
      expect((await get(path, a.admin)).body.lead).toEqual({ id: hidden.id, name: hidden.name });
    });

    it("an AGENT's deal pointing at a lead not theirs: lead null, contact shown", async () => {
      const hidden = await createLead(t.http, a.admin, a.id);
      const contact = await createContact(t.http, a.admin, a.id);
      const deal = await createDeal(t.http, a.admin, a.id, {
        leadId: hidden.id,
        contactId: contact.id,
        assignedToId: agent.id,
      });
      const path = `/v1/deals/${deal.id}?include=lead,contact`;
      expect((await get(path, agent)).body).toMatchObject({ lead: null, contact: { id: contact.id } });
      expect((await get(path, a.admin)).body).toMatchObject({ lead: { id: hidden.id }, contact: { id: contact.id } });
    });

    it("an AGENT's appointment linked to a lead not theirs: lead null for the AGENT", async () => {
      const hidden = await createLead(t.http, a.admin, a.id);
      const appointment = await createAppointment(t.http, a.admin, a.id, {
        ...slot(3, 10, 11),
        agentId: agent.id,
        leadId: hidden.id,
      });
      const path = `/v1/appointments/${appointment.id}?include=lead,agent`;
      expect((await get(path, agent)).body).toMatchObject({ lead: null, agent: person(agent, 'AGENT user') });
      expect((await get(path, a.admin)).body.lead).toEqual({ id: hidden.id, name: hidden.name });
    });

    it('soft-deleted records: a to-one is null, an attendee is left out', async () => {
      const [gone, kept] = [await createContact(t.http, a.admin, a.id), await createContact(t.http, a.admin, a.id)];
      const deal = await createDeal(t.http, a.admin, a.id, { contactId: gone.id });
      const appointment = await createAppointment(t.http, a.admin, a.id, {
        ...slot(4, 10, 11),
        attendeeContactIds: [gone.id, kept.id],
      });
      await t.http.delete(`/v1/contacts/${gone.id}`).set(as(a.admin)).expect(204);
      const got = await get(`/v1/deals/${deal.id}?include=contact`, a.admin);
      expect(got.body).toMatchObject({ contactId: gone.id, contact: null });
      const appt = await get(`/v1/appointments/${appointment.id}?include=attendees`, a.admin);
      expect(appt.body.attendeeContactIds).toHaveLength(2);
      expect(appt.body.attendees).toEqual([{ id: kept.id, name: kept.name }]);
    });

    it("another organization: its lists never show A's summaries, A's records are 404 with include too", async () => {
      const lead = await createLead(t.http, a.admin, a.id, { assignedToId: agent.id });
      const own = await createLead(t.http, b.admin, b.id);
      const include = 'include=assignee,createdBy,convertedContact';
      await t.http.get(`/v1/leads/${lead.id}?${include}`).set(as(b.admin)).expect(404);
      const listB = await get(`/v1/leads?pageSize=100&${include}`, b.admin);
      expect(listB.body.data.map((l: Json) => l.id)).toEqual([own.id]);
      expect(JSON.stringify(listB.body)).not.toContain(a.admin.id);
      expect(JSON.stringify(listB.body)).not.toContain(agent.id);
      expect(listB.body.data[0].createdBy).toEqual(person(b.admin, 'B Admin'));
      const byIds = await get(`/v1/leads?ids=${lead.id}&${include}`, b.admin);
      expect(byIds.body.data).toEqual([]);
    });

    it("the lookup itself resolves no other organization's ids, even if a row named them", async () => {
      // Composite foreign keys keep such rows from existing; the summaries must not depend on it.
      const includes = t.app.get(IncludesService);
      const db = t.app.get(TenantDb);
      const lead = await createLead(t.http, a.admin, a.id);
      const converted = await t.http.post(`/v1/leads/${lead.id}/convert`).set(as(a.admin)).send({}).expect(200);
      const forged = () =>
        ({
          assignedToId: agent.id,
          createdById: a.admin.id,
          convertedContactId: converted.body.contact.id,
        }) as LeadOutput;
      const expand = (org: Org) =>
        db.runTrusted({ userId: org.admin.id, orgId: org.id, role: 'ADMIN' }, async () => {
          const [item] = await includes.expand(
            [forged()],
            ['assignee', 'createdBy', 'convertedContact'],
            LEAD_INCLUDES,
          );
          return item;
        });
      expect(await expand(b)).toMatchObject({ assignee: null, createdBy: null, convertedContact: null });
      // Control: in A the same ids resolve.
      expect(await expand(a)).toMatchObject({
        assignee: person(agent, 'AGENT user'),
        createdBy: person(a.admin, 'A Admin'),
        convertedContact: { id: converted.body.contact.id },
      });
    });
  });

  describe('validation', () => {
    it.each([
      ['/v1/leads?include=bogus'],
      ['/v1/leads?include=assignee,agent'],
      [`/v1/appointments?${MARCH}&include=assignee`],
      ['/v1/tickets?include=assignee'],
    ])('%s → 400 VALIDATION_FAILED naming include', async (path) => {
      const res = await t.http.get(path).set(as(a.admin)).expect(400);
      expect(res.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: 'include', code: 'INVALID_VALUE' })],
      });
    });

    it('on a single GET too, before anything is read; an empty include is no include', async () => {
      const lead = await createLead(t.http, a.admin, a.id);
      const res = await t.http.get(`/v1/leads/${lead.id}?include=contact`).set(as(a.admin)).expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'include' })]);
      const empty = await get(`/v1/leads/${lead.id}?include=`, a.admin);
      expect(empty.body).not.toHaveProperty('assignee');
    });
  });

  describe('cost: one statement per relation for the whole page, never one per row', () => {
    it('a page of leads with three relations costs the plain page + 3, for 5 rows as for 25', async () => {
      const c = await createOrg(t.http, 'C');
      const cAgent = await addMember(t.http, c, 'AGENT');
      for (let i = 0; i < 30; i++) {
        const lead = await createLead(t.http, c.admin, c.id, { assignedToId: cAgent.id });
        await t.http.post(`/v1/leads/${lead.id}/convert`).set(as(c.admin)).send({}).expect(200);
      }
      const include = '&include=assignee,createdBy,convertedContact';
      const counter = countStatements(t.app);
      try {
        const page =
          (size: number, extra = '') =>
          async () => {
            const res = await get(`/v1/leads?pageSize=${size}${extra}`, c.admin);
            expect(res.body.data).toHaveLength(size);
            if (extra) {
              for (const lead of res.body.data as Json[]) {
                expect(lead.assignee).toEqual(person(cAgent, 'AGENT user'));
                expect(lead.createdBy).toEqual(person(c.admin, 'C Admin'));
                expect(lead.convertedContact).toMatchObject({ id: lead.convertedContactId });
              }
            }
          };
        const plain5 = await counter.count(page(5));
        const plain25 = await counter.count(page(25));
        const with5 = await counter.count(page(5, include));
        const with25 = await counter.count(page(25, include));
        expect({ plain5, plain25, with5, with25 }).toEqual({
          plain5,
          plain25: plain5,
          with5: plain5 + 3,
          with25: plain5 + 3,
        });
        // The plain page is the tenant statement and the one list statement (bench/baseline.mjs).
        expect(plain5).toBe(2);
      } finally {
        counter.restore();
      }
    });

    it('every resource: the same statements for a page of 1 as for a page of 4, one more per relation', async () => {
      const d = await createOrg(t.http, 'D');
      const dAgent = await addMember(t.http, d, 'AGENT');
      for (let i = 0; i < 4; i++) {
        const lead = await createLead(t.http, d.admin, d.id, { assignedToId: dAgent.id });
        const converted = await t.http.post(`/v1/leads/${lead.id}/convert`).set(as(d.admin)).send({}).expect(200);
        const contact = converted.body.contact as Json;
        const listing = await createListing(t.http, d.admin, d.id, { assignedToId: dAgent.id });
        const deal = await createDeal(t.http, d.admin, d.id, {
          contactId: contact.id,
          listingId: listing.id,
          leadId: lead.id,
          assignedToId: dAgent.id,
        });
        await createActivity(t.http, d.admin, d.id, {
          leadId: lead.id,
          contactId: contact.id,
          dealId: deal.id,
          listingId: listing.id,
          assignedToId: dAgent.id,
        });
        await createAppointment(t.http, d.admin, d.id, {
          ...slot(10 + i, 10, 11),
          agentId: dAgent.id,
          leadId: lead.id,
          dealId: deal.id,
          listingId: listing.id,
          attendeeContactIds: [contact.id],
        });
        await createTicket(t.http, d.admin, d.id, {
          contactId: contact.id,
          listingId: listing.id,
          assigneeIds: [dAgent.id],
        });
      }
      const families: [string, string[]][] = [
        ['/v1/leads', ['assignee', 'createdBy', 'convertedContact']],
        ['/v1/contacts', ['assignee', 'createdBy', 'sourceLead']],
        ['/v1/deals', ['contact', 'listing', 'lead', 'assignee', 'createdBy']],
        ['/v1/listings', ['assignee', 'createdBy']],
        ['/v1/activities', ['lead', 'contact', 'deal', 'listing', 'assignee', 'createdBy']],
        [`/v1/appointments?${MARCH}`, ['agent', 'lead', 'deal', 'listing', 'attendees', 'createdBy']],
        ['/v1/tickets', ['assignees', 'contact', 'listing', 'createdBy']],
      ];
      const counter = countStatements(t.app);
      try {
        const costs: Record<string, number[]> = {};
        for (const [path, relations] of families) {
          const sep = path.includes('?') ? '&' : '?';
          const page = (size: number, include: boolean) => async () => {
            const extra = include ? `&include=${relations.join(',')}` : '';
            const res = await get(`${path}${sep}pageSize=${size}${extra}`, d.admin);
            expect(res.body.data).toHaveLength(size);
          };
          const plain = await counter.count(page(4, false));
          costs[path] = [
            plain,
            (await counter.count(page(1, true))) - plain,
            (await counter.count(page(4, true))) - plain,
          ];
        }
        expect(costs).toEqual(
          Object.fromEntries(
            families.map(([path, relations]) => [path, [costs[path][0], relations.length, relations.length]]),
          ),
        );
      } finally {
        counter.restore();
      }
    });
  });
});
