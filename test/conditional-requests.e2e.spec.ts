// Issue 12, item 9: ETag on single resources, If-Match on writes (412 when stale).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, createOrg, type User, twoOrganizations } from './helpers/fixtures.js';
import { createTicket } from './helpers/tickets.js';

describe('conditional requests', () => {
  const { t, a, b } = twoOrganizations();
  let agent: User;

  beforeAll(async () => {
    agent = await addMember(t.http, a, 'AGENT');
  });

  const patchLead = (id: string, body: object, ifMatch?: string, user: User = a.admin) => {
    const req = t.http.patch(`/v1/leads/${id}`).set(as(user, a.id));
    return (ifMatch === undefined ? req : req.set('if-match', ifMatch)).send(body);
  };
  const notesOf = async (id: string) =>
    (await t.db.admin.query<{ notes: string | null }>('SELECT notes FROM leads WHERE id = $1', [id]))[0].notes;

  it('sends the version as a strong ETag on reads and writes, and in each list item', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    expect(lead.version).toBe(1);
    const read = await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(200);
    expect(read.headers.etag).toBe('"1"');
    const written = await patchLead(lead.id, { notes: 'one' }).expect(200);
    expect(written.headers.etag).toBe('"2"');
    expect(written.body.version).toBe(2);
    const list = await t.http
      .get(`/v1/leads?q=${encodeURIComponent(lead.name)}`)
      .set(as(a.admin))
      .expect(200);
    expect(list.body.data).toEqual([expect.objectContaining({ id: lead.id, version: 2 })]);
    expect(list.headers.etag).toBeUndefined();
  });

  it('writes with a current If-Match, answers 412 with the current ETag to a stale one, and changes nothing', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    await patchLead(lead.id, { notes: 'first' }, '"1"').expect(200);
    const stale = await patchLead(lead.id, { notes: 'lost update' }, '"1"').expect(412);
    expect(stale.body).toMatchObject({ statusCode: 412, code: 'PRECONDITION_FAILED', ref: { etag: '"2"' } });
    expect(stale.headers.etag).toBe('"2"');
    expect(await notesOf(lead.id)).toBe('first');
    // Several tags: any current one will do; `*` matches any version; a weak tag never matches.
    await patchLead(lead.id, { notes: 'second' }, '"7", "2"').expect(200);
    await patchLead(lead.id, { notes: 'third' }, '*').expect(200);
    await patchLead(lead.id, { notes: 'weak' }, 'W/"4"').expect(412);
    // Without If-Match the last write wins.
    await patchLead(lead.id, { notes: 'last' }).expect(200);
    expect(await notesOf(lead.id)).toBe('last');
  });

  it('guards deletes and actions too', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    await patchLead(lead.id, { notes: 'changed' }).expect(200);
    await t.http.delete(`/v1/leads/${lead.id}`).set(as(a.admin)).set('if-match', '"1"').expect(412);
    await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(200);
    await t.http.delete(`/v1/leads/${lead.id}`).set(as(a.admin)).set('if-match', '"2"').expect(204);
    await t.http.post(`/v1/leads/${lead.id}/restore`).set(as(a.admin)).set('if-match', '"2"').expect(412);
    const restored = await t.http
      .post(`/v1/leads/${lead.id}/restore`)
      .set(as(a.admin))
      .set('if-match', '"3"')
      .expect(200);
    expect(restored.headers.etag).toBe('"4"');
  });

  it('lets exactly one of two concurrent writers holding the same version win', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    const results = await Promise.all([
      patchLead(lead.id, { notes: 'writer one' }, '"1"'),
      patchLead(lead.id, { notes: 'writer two' }, '"1"'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200)!;
    expect(await notesOf(lead.id)).toBe(winner.body.notes);
  });

  it('answers 404, not 412, for a record the caller cannot see: no version leaks', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    await patchLead(lead.id, { notes: 'x' }).expect(200);
    // Another organization.
    await t.http
      .patch(`/v1/leads/${lead.id}`)
      .set(as(b.admin, b.id))
      .set('if-match', '"1"')
      .send({ notes: 'y' })
      .expect(404);
    // An AGENT who neither created it nor is assigned to it.
    await patchLead(lead.id, { notes: 'y' }, '"1"', agent).expect(404);
    // Control: the same stale tag from its owner is a 412.
    await patchLead(lead.id, { notes: 'y' }, '"1"').expect(412);
  });

  it('gives a ticket a new version when its assignees change (they are part of it)', async () => {
    const ticket = await createTicket(t.http, a.admin, a.id);
    const before = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(a.admin)).expect(200);
    await t.http.post(`/v1/tickets/${ticket.id}/assignees`).set(as(a.admin)).send({ userId: agent.id }).expect(201);
    const after = await t.http.get(`/v1/tickets/${ticket.id}`).set(as(a.admin)).expect(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
    await t.http
      .post(`/v1/tickets/${ticket.id}/transition`)
      .set(as(a.admin))
      .set('if-match', before.headers.etag)
      .send({ to: 'IN_PROGRESS' })
      .expect(412);
    await t.http
      .post(`/v1/tickets/${ticket.id}/transition`)
      .set(as(a.admin))
      .set('if-match', after.headers.etag)
      .send({ to: 'IN_PROGRESS' })
      .expect(200);
  });

  it('guards organizations and memberships', async () => {
    const org = await createOrg(t.http, 'Versioned');
    const read = await t.http.get(`/v1/organizations/${org.id}`).set(as(org.admin)).expect(200);
    await t.http
      .patch(`/v1/organizations/${org.id}`)
      .set(as(org.admin))
      .set('if-match', read.headers.etag)
      .send({ name: 'Renamed' })
      .expect(200);
    await t.http
      .patch(`/v1/organizations/${org.id}`)
      .set(as(org.admin))
      .set('if-match', read.headers.etag)
      .send({ name: 'Stale' })
      .expect(412);
    const member = await addMember(t.http, org, 'AGENT');
    const current = await t.http.get(`/v1/members/${member.id}`).set(as(org.admin, org.id)).expect(200);
    await t.http
      .patch(`/v1/members/${member.id}`)
      .set(as(org.admin, org.id))
      .set('if-match', '"99"')
      .send({ role: 'MANAGER' })
      .expect(412);
    await t.http
      .patch(`/v1/members/${member.id}`)
      .set(as(org.admin, org.id))
      .set('if-match', current.headers.etag)
      .send({ role: 'MANAGER' })
      .expect(200);
  });

  it('tags resources without a version by their content: stable while nothing changes', async () => {
    const first = await t.http.get('/v1/me').set(as(a.admin)).expect(200);
    const second = await t.http.get('/v1/me').set(as(a.admin)).expect(200);
    expect(first.headers.etag).toMatch(/^"[\w-]{22}"$/);
    expect(second.headers.etag).toBe(first.headers.etag);
  });
});
