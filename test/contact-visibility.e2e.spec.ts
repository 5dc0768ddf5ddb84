// Issue 19, item 5: an organization's contactVisibility — ALL (the default, every member sees
// every contact, as before) or OWN (an AGENT sees the contacts assigned to or created by them),
// set by its ADMIN and enforced by row-level security on contacts.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, type User, twoOrganizations } from './helpers/fixtures.js';
import { createContact } from './helpers/records.js';
import { asApp } from './helpers/sql-as-app.js';

type Body = Record<string, any>;

describe('contact visibility for AGENTs', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let otherAgent: User;
  let viewer: User;
  let assignedToAgent: Body;
  let createdByAgent: Body;
  let someoneElses: Body;

  const listed = async (user: User, orgId = a.id): Promise<string[]> =>
    (await t.http.get('/v1/contacts?pageSize=100').set(as(user, orgId)).expect(200)).body.data.map((c: Body) => c.id);
  const setVisibility = (value: string, user = a.admin, orgId = a.id) =>
    t.http.patch(`/v1/organizations/${orgId}`).set(as(user)).send({ contactVisibility: value });

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    otherAgent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
    assignedToAgent = await createContact(t.http, a.admin, a.id, { assignedToId: agent.id });
    createdByAgent = await createContact(t.http, agent, a.id);
    someoneElses = await createContact(t.http, otherAgent, a.id, { assignedToId: otherAgent.id });
  });

  it('defaults to ALL: an AGENT sees every contact of the organization, as before', async () => {
    const org = await t.http.get(`/v1/organizations/${a.id}`).set(as(agent)).expect(200);
    expect(org.body.contactVisibility).toBe('ALL');
    const seen = await listed(agent);
    expect(seen).toEqual(expect.arrayContaining([assignedToAgent.id, createdByAgent.id, someoneElses.id]));
    await t.http.get(`/v1/contacts/${someoneElses.id}`).set(as(agent, a.id)).expect(200);
  });

  it('only an ADMIN changes the setting (403 for the others), and only to ALL or OWN (400)', async () => {
    for (const member of [manager, agent, viewer]) {
      const res = await setVisibility('OWN', member);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    for (const value of ['SOME', '', null, 1]) {
      const res = await setVisibility(value as string);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    // Another organization's ADMIN cannot change A's (404, as for any of its ids).
    await setVisibility('OWN', b.admin, a.id).expect(404);
    const org = await t.http.get(`/v1/organizations/${a.id}`).set(as(a.admin)).expect(200);
    expect(org.body.contactVisibility).toBe('ALL');
  });

  describe('with OWN', () => {
    beforeAll(async () => {
      const res = await setVisibility('OWN').expect(200);
      expect(res.body).toMatchObject({ id: a.id, contactVisibility: 'OWN' });
    });

    it('an AGENT lists and reads only the contacts assigned to or created by them', async () => {
      const seen = await listed(agent);
      expect(seen).toEqual(expect.arrayContaining([assignedToAgent.id, createdByAgent.id]));
      expect(seen).not.toContain(someoneElses.id);
      await t.http.get(`/v1/contacts/${assignedToAgent.id}`).set(as(agent, a.id)).expect(200);
      await t.http.get(`/v1/contacts/${someoneElses.id}`).set(as(agent, a.id)).expect(404);
      // The other agent, the other way round.
      const theirs = await listed(otherAgent);
      expect(theirs).toContain(someoneElses.id);
      expect(theirs).not.toContain(assignedToAgent.id);
      expect(theirs).not.toContain(createdByAgent.id);
    });

    it('an AGENT cannot change, delete or read the history of a contact that is not theirs (404); their own they can', async () => {
      await t.http.patch(`/v1/contacts/${someoneElses.id}`).set(as(agent, a.id)).send({ notes: 'x' }).expect(404);
      await t.http.delete(`/v1/contacts/${someoneElses.id}`).set(as(agent, a.id)).expect(404);
      await t.http.get(`/v1/contacts/${someoneElses.id}/audit`).set(as(agent, a.id)).expect(404);
      await t.http.get(`/v1/contacts/${someoneElses.id}/timeline`).set(as(agent, a.id)).expect(404);
      const mine = await t.http
        .patch(`/v1/contacts/${assignedToAgent.id}`)
        .set(as(agent, a.id))
        .send({ notes: 'Called back' })
        .expect(200);
      expect(mine.body.notes).toBe('Called back');
      const untouched = await t.http.get(`/v1/contacts/${someoneElses.id}`).set(as(a.admin, a.id)).expect(200);
      expect(untouched.body.notes).toBeNull();
    });

    it('an AGENT cannot hand a contact they only hold by assignment to someone else (the row would leave their sight)', async () => {
      const held = await createContact(t.http, a.admin, a.id, { assignedToId: agent.id });
      const res = await t.http
        .patch(`/v1/contacts/${held.id}`)
        .set(as(agent, a.id))
        .send({ assignedToId: otherAgent.id });
      expect(res.status).toBe(403);
      const after = await t.http.get(`/v1/contacts/${held.id}`).set(as(a.admin, a.id)).expect(200);
      expect(after.body.assignedToId).toBe(agent.id);
      // Control: a contact they created stays theirs, so they may reassign it.
      const own = await createContact(t.http, agent, a.id);
      await t.http
        .patch(`/v1/contacts/${own.id}`)
        .set(as(agent, a.id))
        .send({ assignedToId: otherAgent.id })
        .expect(200);
      await t.http.get(`/v1/contacts/${own.id}`).set(as(agent, a.id)).expect(200);
    });

    it('ADMINs, MANAGERs and VIEWERs still see every contact', async () => {
      for (const member of [a.admin, manager, viewer]) {
        expect(await listed(member)).toEqual(
          expect.arrayContaining([assignedToAgent.id, createdByAgent.id, someoneElses.id]),
        );
      }
    });

    it('is enforced by RLS: as crm_app, an AGENT reads only their own contacts; a MANAGER all', async () => {
      const visible = (user: string, role: string) =>
        asApp(t.db.admin, { org: a.id, user, role }, () =>
          t.db.admin.query<{ id: string }>('SELECT id FROM contacts WHERE id = ANY($1)', [
            [assignedToAgent.id, createdByAgent.id, someoneElses.id],
          ]),
        );
      expect((await visible(agent.id, 'AGENT')).map((r) => r.id).sort()).toEqual(
        [assignedToAgent.id, createdByAgent.id].sort(),
      );
      expect(await visible(manager.id, 'MANAGER')).toHaveLength(3);
      // Writing a contact that is not theirs: no row is touched.
      const touched = await asApp(t.db.admin, { org: a.id, user: agent.id, role: 'AGENT' }, () =>
        t.db.admin.query("UPDATE contacts SET notes = 'sql' WHERE id = $1 RETURNING id", [someoneElses.id]),
      );
      expect(touched).toHaveLength(0);
    });

    it("does not reach another organization: B's AGENTs keep seeing all of B's contacts", async () => {
      const bAgent = await addMember(t.http, b, 'AGENT');
      const bContact = await createContact(t.http, b.admin, b.id);
      expect(await listed(bAgent, b.id)).toContain(bContact.id);
      const org = await t.http.get(`/v1/organizations/${b.id}`).set(as(b.admin)).expect(200);
      expect(org.body.contactVisibility).toBe('ALL');
    });
  });

  it('back to ALL, the AGENT sees every contact again', async () => {
    await setVisibility('ALL').expect(200);
    expect(await listed(agent)).toContain(someoneElses.id);
    await t.http.get(`/v1/contacts/${someoneElses.id}`).set(as(agent, a.id)).expect(200);
  });
});
