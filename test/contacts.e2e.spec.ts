import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';

function expectError(res: { status: number; body: any }, statusCode: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status: statusCode });
  expect(res.body).toMatchObject({ statusCode, message: expect.any(String), requestId: expect.any(String) });
  if (code) expect(res.body.code).toBe(code);
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe('contacts', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let viewer: User;

  const createContact = async (user: User, org: Org, body: Record<string, unknown> = {}) =>
    (
      await t.http
        .post('/v1/contacts')
        .set(as(user, org.id))
        .send({ name: `Contact ${randomUUID().slice(0, 6)}`, ...body })
        .expect(201)
    ).body;
  const dbContact = async (id: string) =>
    (
      await t.db.admin.query<{ name: string; email: string | null; deleted_at: Date | null; organization_id: string }>(
        'SELECT name, email, deleted_at, organization_id FROM contacts WHERE id = $1',
        [id],
      )
    )[0];

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
  });

  it('creates (201), reads, updates, soft-deletes and restores', async () => {
    const created = await t.http
      .post('/v1/contacts')
      .set(as(agent, a.id))
      .send({
        name: ' Maria Gonzalez ',
        email: 'maria@example.com',
        phone: '+1 415 555 0134',
        company: 'Gonzalez Trust',
        position: 'Trustee',
        type: 'CLIENT',
        tags: ['buyer'],
        customFields: { spouse: 'Luis' },
        linkedinUrl: 'https://www.linkedin.com/in/maria',
        preferredContactMethod: 'phone',
        assignedToId: agent.id,
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Maria Gonzalez',
      type: 'CLIENT',
      status: 'ACTIVE',
      createdById: agent.id,
      assignedToId: agent.id,
      sourceLeadId: null,
      deletedAt: null,
      customFields: { spouse: 'Luis' },
    });
    expect(created.body).not.toHaveProperty('organizationId');
    const id = created.body.id;

    const got = await t.http.get(`/v1/contacts/${id}`).set(as(viewer, a.id)).expect(200);
    expect(got.body).toMatchObject({ id, counts: { deals: 0, openActivities: 0 } });

    const patched = await t.http
      .patch(`/v1/contacts/${id}`)
      .set(as(manager, a.id))
      .send({ status: 'DO_NOT_CONTACT', company: null, customFields: null, name: 'Maria G.' })
      .expect(200);
    expect(patched.body).toMatchObject({
      status: 'DO_NOT_CONTACT',
      company: null,
      customFields: null,
      name: 'Maria G.',
    });

    await t.http.delete(`/v1/contacts/${id}`).set(as(agent, a.id)).expect(204);
    await t.http.get(`/v1/contacts/${id}`).set(as(a.admin, a.id)).expect(404);
    await t.http.patch(`/v1/contacts/${id}`).set(as(a.admin, a.id)).send({ name: 'x' }).expect(404);
    await t.http.delete(`/v1/contacts/${id}`).set(as(a.admin, a.id)).expect(404);
    expect((await dbContact(id)).deleted_at).not.toBeNull();
    const restored = await t.http.post(`/v1/contacts/${id}/restore`).set(as(a.admin, a.id)).expect(200);
    expect(restored.body.deletedAt).toBeNull();
    await t.http.post(`/v1/contacts/${id}/restore`).set(as(a.admin, a.id)).expect(404);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x', email: 'nope' }, 'email'],
    [{ name: 'x', type: 'FRIEND' }, 'type'],
    [{ name: 'x', status: 'GONE' }, 'status'],
    [{ name: 'x', preferredContactMethod: 'fax' }, 'preferredContactMethod'],
    [{ name: 'x', linkedinUrl: 'javascript:alert(1)' }, 'linkedinUrl'],
    [{ name: 'x', assignedToId: 'me' }, 'assignedToId'],
    [{ name: 'x', organizationId: randomUUID() }, 'organizationId'],
    [{ name: 'x', sourceLeadId: randomUUID() }, 'sourceLeadId'],
  ])('rejects %j with 400 on %s', async (body, field) => {
    const res = await t.http.post('/v1/contacts').set(as(a.admin, a.id)).send(body);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  describe('email is unique per organization among live contacts', () => {
    it('refuses the same email in any case on create and on update (409 CONTACT_EMAIL_TAKEN)', async () => {
      const first = await createContact(a.admin, a, { email: 'Dup@Example.com' });
      const res = await t.http
        .post('/v1/contacts')
        .set(as(a.admin, a.id))
        .send({ name: 'X', email: 'dup@example.COM' });
      expectError(res, 409, 'CONTACT_EMAIL_TAKEN');
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'email', message: expect.any(String) })]);
      const other = await createContact(a.admin, a, { email: 'other@example.com' });
      expectError(
        await t.http.patch(`/v1/contacts/${other.id}`).set(as(a.admin, a.id)).send({ email: 'DUP@example.com' }),
        409,
        'CONTACT_EMAIL_TAKEN',
      );
      expect((await dbContact(other.id)).email).toBe('other@example.com');
      // Updating a contact with its own email is fine.
      await t.http
        .patch(`/v1/contacts/${first.id}`)
        .set(as(a.admin, a.id))
        .send({ email: 'dup@example.com' })
        .expect(200);
    });

    it('allows the email again once the holder is deleted, and then refuses restoring the holder', async () => {
      const first = await createContact(a.admin, a, { email: 'reuse@example.com' });
      await t.http.delete(`/v1/contacts/${first.id}`).set(as(a.admin, a.id)).expect(204);
      await createContact(a.admin, a, { email: 'reuse@example.com' });
      expectError(
        await t.http.post(`/v1/contacts/${first.id}/restore`).set(as(a.admin, a.id)),
        409,
        'CONTACT_EMAIL_TAKEN',
      );
      expect((await dbContact(first.id)).deleted_at).not.toBeNull();
    });

    it('allows the same email in another organization', async () => {
      await createContact(a.admin, a, { email: 'shared@example.com' });
      await createContact(b.admin, b, { email: 'shared@example.com' });
    });
  });

  it('refuses an assignee who is not an ADMIN, MANAGER or AGENT of the organization (422 INVALID_ASSIGNEE)', async () => {
    for (const assignedToId of [randomUUID(), b.admin.id, viewer.id]) {
      const res = await t.http.post('/v1/contacts').set(as(a.admin, a.id)).send({ name: 'X', assignedToId });
      expectError(res, 422, 'INVALID_ASSIGNEE');
      expect(res.body.details).toEqual([
        expect.objectContaining({ field: 'assignedToId', message: expect.any(String) }),
      ]);
    }
    const c = await createContact(a.admin, a);
    expectError(
      await t.http.patch(`/v1/contacts/${c.id}`).set(as(a.admin, a.id)).send({ assignedToId: b.admin.id }),
      422,
      'INVALID_ASSIGNEE',
    );
    const ok = await t.http
      .patch(`/v1/contacts/${c.id}`)
      .set(as(a.admin, a.id))
      .send({ assignedToId: manager.id })
      .expect(200);
    expect(ok.body.assignedToId).toBe(manager.id);
  });

  it('counts the live deals and open activities of a contact', async () => {
    const c = await createContact(a.admin, a);
    const other = await createContact(a.admin, a);
    const sql = t.db.admin;
    await sql.query(
      `INSERT INTO deals (organization_id, title, value, contact_id, deleted_at) VALUES
         ($1, 'live 1', 1, $2, NULL), ($1, 'live 2', 2, $2, NULL), ($1, 'gone', 3, $2, now()), ($1, 'other', 4, $3, NULL)`,
      [a.id, c.id, other.id],
    );
    await sql.query(
      `INSERT INTO activities (organization_id, type, title, contact_id, completed_at) VALUES
         ($1, 'CALL', 'open', $2, NULL), ($1, 'TASK', 'done', $2, now()), ($1, 'NOTE', 'other', $3, NULL)`,
      [a.id, c.id, other.id],
    );
    const res = await t.http.get(`/v1/contacts/${c.id}`).set(as(a.admin, a.id)).expect(200);
    expect(res.body.counts).toEqual({ deals: 2, openActivities: 1 });
  });

  describe('list', () => {
    let org: Org;
    let orgAgent: User;
    const names = (res: { body: { data: { name: string }[] } }) => res.body.data.map((c) => c.name);

    beforeAll(async () => {
      org = await createOrg(t.http, 'ContactList');
      orgAgent = await addMember(t.http, org, 'AGENT');
      const rows = [
        { name: 'Alice Client', type: 'CLIENT', tags: ['vip'], company: 'Acme' },
        { name: 'Bob Prospect', email: 'bob@Example.com', tags: ['vip', 'condo'] },
        { name: 'Carol Vendor', type: 'VENDOR', phone: '+1 415 555 0100', assignedToId: orgAgent.id },
        { name: 'Dave Inactive', status: 'INACTIVE', type: 'PAST_CLIENT' },
      ];
      for (const row of rows) await createContact(org.admin, org, row);
    });

    it('paginates newest first with meta', async () => {
      const p1 = await t.http.get('/v1/contacts?pageSize=3').set(as(org.admin, org.id)).expect(200);
      expect(p1.body.meta).toEqual({ page: 1, pageSize: 3, total: 4, totalPages: 2 });
      expect(names(p1)).toEqual(['Dave Inactive', 'Carol Vendor', 'Bob Prospect']);
    });

    it.each([
      ['type=CLIENT,VENDOR', ['Alice Client', 'Carol Vendor']],
      ['type=PROSPECT', ['Bob Prospect']],
      ['status=INACTIVE', ['Dave Inactive']],
      ['tag=condo', ['Bob Prospect']],
      ['q=example.COM', ['Bob Prospect']],
      ['q=acme', ['Alice Client']],
      ['q=555%200100', ['Carol Vendor']],
      ['q=ALICE', ['Alice Client']],
    ])('filters by %s', async (query, expected) => {
      const res = await t.http.get(`/v1/contacts?${query}&sort=name`).set(as(org.admin, org.id)).expect(200);
      expect(names(res)).toEqual(expected);
    });

    it('filters by assignee and sorts by name either way', async () => {
      const res = await t.http.get(`/v1/contacts?assignedToId=${orgAgent.id}`).set(as(org.admin, org.id)).expect(200);
      expect(names(res)).toEqual(['Carol Vendor']);
      const desc = await t.http.get('/v1/contacts?sort=-name').set(as(org.admin, org.id)).expect(200);
      expect(names(desc)).toEqual(['Dave Inactive', 'Carol Vendor', 'Bob Prospect', 'Alice Client']);
      await t.http.get('/v1/contacts?sort=-updatedAt,name').set(as(org.admin, org.id)).expect(200);
    });

    it('hides deleted contacts; includeDeleted=true shows them (with deletedAt) to an ADMIN only', async () => {
      const gone = await createContact(org.admin, org, { name: 'Zed Gone' });
      await t.http.delete(`/v1/contacts/${gone.id}`).set(as(org.admin, org.id)).expect(204);
      expect(names(await t.http.get('/v1/contacts?q=zed').set(as(org.admin, org.id)).expect(200))).toEqual([]);
      const all = await t.http.get('/v1/contacts?q=zed&includeDeleted=true').set(as(org.admin, org.id)).expect(200);
      expect(all.body.data).toEqual([expect.objectContaining({ id: gone.id, deletedAt: expect.any(String) })]);
      const orgManager = await addMember(t.http, org, 'MANAGER');
      for (const u of [orgManager, orgAgent]) {
        expectError(await t.http.get('/v1/contacts?includeDeleted=true').set(as(u, org.id)), 403, 'FORBIDDEN');
      }
      await t.http.get('/v1/contacts?includeDeleted=false').set(as(orgManager, org.id)).expect(200);
    });

    it.each([
      'pageSize=0',
      'pageSize=101',
      'sort=email',
      'type=FRIEND',
      'status=x',
      'assignedToId=x',
      'includeDeleted=1',
    ])('rejects %s with 400', async (query) => {
      expectError(await t.http.get(`/v1/contacts?${query}`).set(as(org.admin, org.id)), 400, 'VALIDATION_FAILED');
    });
  });

  describe('roles', () => {
    it('lets a VIEWER read but not write (403), and nothing changes', async () => {
      const c = await createContact(a.admin, a, { name: 'Viewed' });
      await t.http.get(`/v1/contacts/${c.id}`).set(as(viewer, a.id)).expect(200);
      await t.http.get('/v1/contacts').set(as(viewer, a.id)).expect(200);
      expectError(
        await t.http.post('/v1/contacts').set(as(viewer, a.id)).send({ name: 'By viewer' }),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http.patch(`/v1/contacts/${c.id}`).set(as(viewer, a.id)).send({ name: 'x' }),
        403,
        'FORBIDDEN',
      );
      expectError(await t.http.delete(`/v1/contacts/${c.id}`).set(as(viewer, a.id)), 403, 'FORBIDDEN');
      expectError(await t.http.post(`/v1/contacts/${c.id}/restore`).set(as(viewer, a.id)), 403, 'FORBIDDEN');
      expect(await dbContact(c.id)).toMatchObject({ name: 'Viewed', deleted_at: null });
      const rows = await t.db.admin.query('SELECT 1 FROM contacts WHERE name = $1', ['By viewer']);
      expect(rows).toHaveLength(0);
    });
  });

  describe('cross-tenant', () => {
    it("answers 404 to org B on org A's contact for every verb, beside A's allowed control", async () => {
      const c = await createContact(a.admin, a, { name: 'Only A', email: 'only-a@example.com' });
      const deleted = await createContact(a.admin, a, { name: 'Deleted A' });
      await t.http.delete(`/v1/contacts/${deleted.id}`).set(as(a.admin, a.id)).expect(204);

      await t.http.get(`/v1/contacts/${c.id}`).set(as(a.admin, a.id)).expect(200);
      expectError(await t.http.get(`/v1/contacts/${c.id}`).set(as(b.admin, b.id)), 404, 'NOT_FOUND');
      expectError(
        await t.http.patch(`/v1/contacts/${c.id}`).set(as(b.admin, b.id)).send({ name: 'x' }),
        404,
        'NOT_FOUND',
      );
      expectError(await t.http.delete(`/v1/contacts/${c.id}`).set(as(b.admin, b.id)), 404, 'NOT_FOUND');
      expectError(await t.http.post(`/v1/contacts/${deleted.id}/restore`).set(as(b.admin, b.id)), 404, 'NOT_FOUND');

      const listB = await t.http
        .get('/v1/contacts?pageSize=100&includeDeleted=true')
        .set(as(b.admin, b.id))
        .expect(200);
      expect(ids(listB.body.data)).not.toContain(c.id);
      expect(ids(listB.body.data)).not.toContain(deleted.id);
      const listA = await t.http.get('/v1/contacts?pageSize=100').set(as(a.admin, a.id)).expect(200);
      expect(ids(listA.body.data)).toContain(c.id);

      expect(await dbContact(c.id)).toMatchObject({ name: 'Only A', deleted_at: null, organization_id: a.id });
      expect((await dbContact(deleted.id)).deleted_at).not.toBeNull();
      await t.http.post(`/v1/contacts/${deleted.id}/restore`).set(as(a.admin, a.id)).expect(200);
    });

    it("counts only the contact's own organization rows", async () => {
      const c = await createContact(a.admin, a);
      // A deal in B cannot even point at A's contact: the composite key refuses it.
      await expect(
        t.db.admin.query("INSERT INTO deals (organization_id, title, value, contact_id) VALUES ($1, 'x', 1, $2)", [
          b.id,
          c.id,
        ]),
      ).rejects.toThrow(/foreign key/);
      const res = await t.http.get(`/v1/contacts/${c.id}`).set(as(a.admin, a.id)).expect(200);
      expect(res.body.counts).toEqual({ deals: 0, openActivities: 0 });
    });
  });
});
