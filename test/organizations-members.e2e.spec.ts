import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  addMember,
  as,
  createLead,
  createOrg,
  markEmailVerified,
  signup,
  type Org,
  twoOrganizations,
} from './helpers/fixtures.js';

function expectError(res: { status: number; body: any }, statusCode: number, code?: string): void {
  expect(res.status).toBe(statusCode);
  expect(res.body).toMatchObject({ statusCode, message: expect.any(String), requestId: expect.any(String) });
  if (code) expect(res.body.code).toBe(code);
  expect(res.body).not.toHaveProperty('stack');
}

const ids = (rows: { userId?: string; id?: string }[]) => rows.map((r) => r.userId ?? r.id);

describe('organizations and members', () => {
  const { t, a, b } = twoOrganizations();

  describe('organizations', () => {
    it('creates an organization (201) with its creator as ADMIN, and lists and gets it', async () => {
      const user = await signup(t.http, 'Founder');
      const created = await t.http
        .post('/v1/organizations')
        .set(as(user))
        .send({ name: '  Harbor Realty ' })
        .expect(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Harbor Realty',
        role: 'ADMIN',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        auditRetentionDays: 730,
        timeZone: 'UTC',
        contactVisibility: 'ALL',
        logoUrl: null,
        version: 1,
      });
      const rows = await t.db.admin.query<{ role: string }>(
        'select role::text from memberships where organization_id = $1 and user_id = $2',
        [created.body.id, user.id],
      );
      expect(rows).toEqual([{ role: 'ADMIN' }]);

      const list = await t.http.get('/v1/organizations').set(as(user)).expect(200);
      expect(list.body).toEqual({
        data: [expect.objectContaining({ id: created.body.id, name: 'Harbor Realty', role: 'ADMIN' })],
        meta: { page: 1, pageSize: 25, total: 1, totalPages: 1 },
      });
      const one = await t.http.get(`/v1/organizations/${created.body.id}`).set(as(user)).expect(200);
      expect(one.body).toMatchObject({ id: created.body.id, name: 'Harbor Realty', role: 'ADMIN' });

      const members = await t.http.get('/v1/members').set(as(user, created.body.id)).expect(200);
      expect(members.body.data).toEqual([expect.objectContaining({ userId: user.id, role: 'ADMIN' })]);
    });

    it('refuses an invalid organization body', async () => {
      const user = await signup(t.http);
      expectError(await t.http.post('/v1/organizations').set(as(user)).send({ name: '   ' }), 400, 'VALIDATION_FAILED');
      expectError(await t.http.post('/v1/organizations').set(as(user)).send({}), 400, 'VALIDATION_FAILED');
      expectError(
        await t.http.post('/v1/organizations').set(as(user)).send({ name: 'X', id: randomUUID() }),
        400,
        'VALIDATION_FAILED',
      );
      expect((await t.http.get('/v1/organizations').set(as(user)).expect(200)).body.data).toEqual([]);
    });

    it("lists only the caller's organizations, with their role in each", async () => {
      const agent = await addMember(t.http, a, 'AGENT');
      const list = await t.http.get('/v1/organizations').set(as(agent)).expect(200);
      expect(list.body.data).toEqual([expect.objectContaining({ id: a.id, role: 'AGENT' })]);
      const listB = await t.http.get('/v1/organizations').set(as(b.admin)).expect(200);
      expect(ids(listB.body.data)).toEqual([b.id]);
    });

    it('hides another organization: 404 on GET and PATCH for a non-member, 200 for its admin', async () => {
      await t.http.get(`/v1/organizations/${a.id}`).set(as(a.admin)).expect(200);
      expectError(await t.http.get(`/v1/organizations/${a.id}`).set(as(b.admin)), 404, 'NOT_FOUND');
      expectError(
        await t.http.patch(`/v1/organizations/${a.id}`).set(as(b.admin)).send({ name: 'Hijacked' }),
        404,
        'NOT_FOUND',
      );
      // The same answer as for an id that does not exist.
      expectError(await t.http.get(`/v1/organizations/${randomUUID()}`).set(as(b.admin)), 404, 'NOT_FOUND');
      // X-Organization-Id is ignored on these user-scoped routes: it cannot open the door.
      expectError(await t.http.get(`/v1/organizations/${a.id}`).set(as(b.admin, a.id)), 404, 'NOT_FOUND');
      const still = await t.http.get(`/v1/organizations/${a.id}`).set(as(a.admin)).expect(200);
      expect(still.body.name).toBe('A');
    });

    it('lets only an ADMIN rename: MANAGER, AGENT and VIEWER get 403', async () => {
      const org = await createOrg(t.http, 'Rename Me');
      for (const role of ['MANAGER', 'AGENT', 'VIEWER'] as const) {
        const member = await addMember(t.http, org, role);
        // Members can read it...
        await t.http.get(`/v1/organizations/${org.id}`).set(as(member)).expect(200);
        // ...but not rename it.
        expectError(
          await t.http
            .patch(`/v1/organizations/${org.id}`)
            .set(as(member))
            .send({ name: `By ${role}` }),
          403,
          'FORBIDDEN',
        );
      }
      expect((await t.http.get(`/v1/organizations/${org.id}`).set(as(org.admin))).body.name).toBe('Rename Me');
      const renamed = await t.http
        .patch(`/v1/organizations/${org.id}`)
        .set(as(org.admin))
        .send({ name: 'Renamed Realty' })
        .expect(200);
      expect(renamed.body).toMatchObject({ id: org.id, name: 'Renamed Realty', role: 'ADMIN' });
      expect((await t.http.get(`/v1/organizations/${org.id}`).set(as(org.admin))).body.name).toBe('Renamed Realty');
    });
  });

  describe('members', () => {
    it('lists members paginated as {data, meta}', async () => {
      const org = await createOrg(t.http, 'Paged');
      const m1 = await addMember(t.http, org, 'AGENT');
      const m2 = await addMember(t.http, org, 'VIEWER');
      const all = await t.http.get('/v1/members').set(as(org.admin, org.id)).expect(200);
      expect(all.body.meta).toEqual({ page: 1, pageSize: 25, total: 3, totalPages: 1 });
      expect(ids(all.body.data)).toEqual([org.admin.id, m1.id, m2.id]);
      expect(all.body.data[1]).toEqual({
        userId: m1.id,
        email: m1.email,
        fullName: 'AGENT user',
        role: 'AGENT',
        joinedAt: expect.any(String),
        version: 1,
      });
      const page2 = await t.http.get('/v1/members?page=2&pageSize=2').set(as(org.admin, org.id)).expect(200);
      expect(page2.body.meta).toEqual({ page: 2, pageSize: 2, total: 3, totalPages: 2 });
      expect(ids(page2.body.data)).toEqual([m2.id]);
      expectError(await t.http.get('/v1/members?pageSize=101').set(as(org.admin, org.id)), 400, 'VALIDATION_FAILED');
      // Any member may list.
      await t.http.get('/v1/members').set(as(m2, org.id)).expect(200);
    });

    it('adds an existing verified user by email (ADMIN): 201; unverified 422; unknown email 404; duplicate 409 ALREADY_MEMBER', async () => {
      const org = await createOrg(t.http, 'Adds');
      const user = await signup(t.http, 'Newcomer');
      // Not verified yet: refused with a pointer to invitations, and nothing is added.
      const refused = await t.http
        .post('/v1/members')
        .set(as(org.admin, org.id))
        .send({ email: user.email, role: 'AGENT' });
      expectError(refused, 422, 'EMAIL_NOT_VERIFIED');
      expect(refused.body.message).toContain('POST /v1/invitations');
      await t.http.get('/v1/leads').set(as(user, org.id)).expect(403);
      await markEmailVerified(t.http, user.id);
      const added = await t.http
        .post('/v1/members')
        .set(as(org.admin, org.id))
        .send({ email: user.email.toUpperCase(), role: 'AGENT' })
        .expect(201);
      expect(added.body).toEqual({
        userId: user.id,
        email: user.email,
        fullName: 'Newcomer',
        role: 'AGENT',
        joinedAt: expect.any(String),
        version: 1,
      });
      // They now work in the organization.
      await t.http.get('/v1/leads').set(as(user, org.id)).expect(200);

      expectError(
        await t.http
          .post('/v1/members')
          .set(as(org.admin, org.id))
          .send({ email: `ghost-${randomUUID().slice(0, 8)}@example.test`, role: 'AGENT' }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await t.http.post('/v1/members').set(as(org.admin, org.id)).send({ email: user.email, role: 'VIEWER' }),
        409,
        'ALREADY_MEMBER',
      );
      expectError(
        await t.http.post('/v1/members').set(as(org.admin, org.id)).send({ email: user.email, role: 'OWNER' }),
        400,
        'VALIDATION_FAILED',
      );
      // The duplicate did not change their role.
      const list = await t.http.get('/v1/members').set(as(org.admin, org.id)).expect(200);
      expect(list.body.data.find((m: any) => m.userId === user.id).role).toBe('AGENT');
    });

    it('lets only an ADMIN add, change or remove members (MANAGER, AGENT, VIEWER → 403)', async () => {
      const org = await createOrg(t.http, 'Roles');
      const target = await addMember(t.http, org, 'AGENT');
      for (const role of ['MANAGER', 'AGENT', 'VIEWER'] as const) {
        const actor = await addMember(t.http, org, role);
        const outsider = await signup(t.http);
        await markEmailVerified(t.http, outsider.id);
        expectError(
          await t.http.post('/v1/members').set(as(actor, org.id)).send({ email: outsider.email, role: 'AGENT' }),
          403,
          'FORBIDDEN',
        );
        expectError(
          await t.http.patch(`/v1/members/${target.id}`).set(as(actor, org.id)).send({ role: 'ADMIN' }),
          403,
          'FORBIDDEN',
        );
        expectError(
          await t.http.patch(`/v1/members/${actor.id}`).set(as(actor, org.id)).send({ role: 'ADMIN' }),
          403,
          'FORBIDDEN',
        );
        expectError(await t.http.delete(`/v1/members/${target.id}`).set(as(actor, org.id)), 403, 'FORBIDDEN');
        // Control: the ADMIN can add that same outsider.
        await t.http
          .post('/v1/members')
          .set(as(org.admin, org.id))
          .send({ email: outsider.email, role: 'VIEWER' })
          .expect(201);
      }
      const rows = await t.db.admin.query<{ role: string }>(
        'select role::text from memberships where organization_id = $1 and user_id = $2',
        [org.id, target.id],
      );
      expect(rows).toEqual([{ role: 'AGENT' }]);
    });

    it("changes a member's role (ADMIN)", async () => {
      const org = await createOrg(t.http, 'Promote');
      const member = await addMember(t.http, org, 'AGENT');
      const res = await t.http
        .patch(`/v1/members/${member.id}`)
        .set(as(org.admin, org.id))
        .send({ role: 'MANAGER' })
        .expect(200);
      expect(res.body).toMatchObject({ userId: member.id, role: 'MANAGER' });
      const me = await t.http.get('/v1/me').set(as(member)).expect(200);
      expect(me.body.memberships).toEqual([expect.objectContaining({ organizationId: org.id, role: 'MANAGER' })]);
      expectError(
        await t.http.patch(`/v1/members/${randomUUID()}`).set(as(org.admin, org.id)).send({ role: 'AGENT' }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await t.http.patch(`/v1/members/${member.id}`).set(as(org.admin, org.id)).send({ role: 'SUPERUSER' }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('never leaves an organization without an ADMIN (409 LAST_ADMIN), but allows it with a second ADMIN', async () => {
      const org = await createOrg(t.http, 'Admins');
      expectError(
        await t.http.patch(`/v1/members/${org.admin.id}`).set(as(org.admin, org.id)).send({ role: 'MANAGER' }),
        409,
        'LAST_ADMIN',
      );
      expectError(await t.http.delete(`/v1/members/${org.admin.id}`).set(as(org.admin, org.id)), 409, 'LAST_ADMIN');
      // Re-affirming ADMIN is not a demotion.
      await t.http.patch(`/v1/members/${org.admin.id}`).set(as(org.admin, org.id)).send({ role: 'ADMIN' }).expect(200);
      await t.http.get(`/v1/organizations/${org.id}`).set(as(org.admin)).expect(200);

      // Control: with a second ADMIN, the first can be demoted.
      const second = await addMember(t.http, org, 'ADMIN');
      const demoted = await t.http
        .patch(`/v1/members/${org.admin.id}`)
        .set(as(org.admin, org.id))
        .send({ role: 'MANAGER' })
        .expect(200);
      expect(demoted.body.role).toBe('MANAGER');
      // Now the second is the last ADMIN: neither demotable nor removable.
      expectError(
        await t.http.patch(`/v1/members/${second.id}`).set(as(second, org.id)).send({ role: 'AGENT' }),
        409,
        'LAST_ADMIN',
      );
      expectError(await t.http.delete(`/v1/members/${second.id}`).set(as(second, org.id)), 409, 'LAST_ADMIN');
      // And the former ADMIN lost admin rights.
      expectError(
        await t.http.patch(`/v1/members/${second.id}`).set(as(org.admin, org.id)).send({ role: 'AGENT' }),
        403,
        'FORBIDDEN',
      );
      const admins = await t.db.admin.query<{ user_id: string }>(
        "select user_id from memberships where organization_id = $1 and role = 'ADMIN'",
        [org.id],
      );
      expect(admins).toEqual([{ user_id: second.id }]);
    });

    it('keeps one ADMIN when two ADMINs demote each other at the same time', async () => {
      const org = await createOrg(t.http, 'Race');
      const second = await addMember(t.http, org, 'ADMIN');
      const results = await Promise.all([
        t.http.patch(`/v1/members/${second.id}`).set(as(org.admin, org.id)).send({ role: 'MANAGER' }),
        t.http.patch(`/v1/members/${org.admin.id}`).set(as(second, org.id)).send({ role: 'MANAGER' }),
      ]);
      // One wins. The other is refused: LAST_ADMIN if both ran at once, or FORBIDDEN if the
      // winner had already demoted its author before it started (PGlite serializes them).
      const statuses = results.map((r) => r.status).sort();
      expect([
        [200, 403],
        [200, 409],
      ]).toContainEqual(statuses);
      const loser = results.find((r) => r.status !== 200)!;
      expect(loser.body.code).toBe(loser.status === 409 ? 'LAST_ADMIN' : 'FORBIDDEN');
      const admins = await t.db.admin.query("select 1 from memberships where organization_id = $1 and role = 'ADMIN'", [
        org.id,
      ]);
      expect(admins).toHaveLength(1);
    });

    it('removes a member (204): they get 403 NOT_A_MEMBER for that organization afterwards', async () => {
      const org = await createOrg(t.http, 'Removal');
      const member = await addMember(t.http, org, 'MANAGER');
      await t.http.get('/v1/leads').set(as(member, org.id)).expect(200);
      await t.http.get(`/v1/organizations/${org.id}`).set(as(member)).expect(200);

      const res = await t.http.delete(`/v1/members/${member.id}`).set(as(org.admin, org.id)).expect(204);
      expect(res.text).toBe('');

      expectError(await t.http.get('/v1/leads').set(as(member, org.id)), 403, 'NOT_A_MEMBER');
      expectError(await t.http.get('/v1/members').set(as(member, org.id)), 403, 'NOT_A_MEMBER');
      expectError(await t.http.get(`/v1/organizations/${org.id}`).set(as(member)), 404, 'NOT_FOUND');
      expect((await t.http.get('/v1/me').set(as(member)).expect(200)).body.memberships).toEqual([]);
      const list = await t.http.get('/v1/members').set(as(org.admin, org.id)).expect(200);
      expect(ids(list.body.data)).not.toContain(member.id);
      // A second removal is a 404.
      expectError(await t.http.delete(`/v1/members/${member.id}`).set(as(org.admin, org.id)), 404, 'NOT_FOUND');
      // Control: the admin still works there.
      await t.http.get('/v1/leads').set(as(org.admin, org.id)).expect(200);
    });

    it("unassigns a removed member's leads and keeps the others' assignments", async () => {
      const org = await createOrg(t.http, 'Unassign');
      const leaving = await addMember(t.http, org, 'AGENT');
      const staying = await addMember(t.http, org, 'AGENT');
      const theirs = await createLead(t.http, org.admin, org.id, { assignedToId: leaving.id });
      const deletedTheirs = await createLead(t.http, org.admin, org.id, { assignedToId: leaving.id });
      await t.http.delete(`/v1/leads/${deletedTheirs.id}`).set(as(org.admin, org.id)).expect(204);
      const kept = await createLead(t.http, org.admin, org.id, { assignedToId: staying.id });
      expect(theirs.assignedToId).toBe(leaving.id);

      await t.http.delete(`/v1/members/${leaving.id}`).set(as(org.admin, org.id)).expect(204);

      const after = await t.http.get(`/v1/leads/${theirs.id}`).set(as(org.admin, org.id)).expect(200);
      expect(after.body.assignedToId).toBeNull();
      expect(after.body.name).toBe(theirs.name);
      const keptAfter = await t.http.get(`/v1/leads/${kept.id}`).set(as(org.admin, org.id)).expect(200);
      expect(keptAfter.body.assignedToId).toBe(staying.id);
      const rows = await t.db.admin.query<{ id: string; assigned_to_id: string | null }>(
        'select id, assigned_to_id from leads where id = any($1::uuid[]) order by id',
        [[theirs.id, deletedTheirs.id]],
      );
      expect(rows.map((r) => r.assigned_to_id)).toEqual([null, null]);
      // The lead stays in the organization and can be reassigned to a current member.
      await t.http
        .patch(`/v1/leads/${theirs.id}`)
        .set(as(org.admin, org.id))
        .send({ assignedToId: staying.id })
        .expect(200);
    });
  });

  describe('VIEWER is read-only', () => {
    let org: Org;
    let viewer: Awaited<ReturnType<typeof addMember>>;
    let lead: Record<string, any>;
    let deleted: Record<string, any>;

    beforeAll(async () => {
      org = await createOrg(t.http, 'Viewers');
      viewer = await addMember(t.http, org, 'VIEWER');
      lead = await createLead(t.http, org.admin, org.id, { name: 'Visible', scoreValue: 10 });
      deleted = await createLead(t.http, org.admin, org.id, { name: 'Deleted' });
      await t.http.delete(`/v1/leads/${deleted.id}`).set(as(org.admin, org.id)).expect(204);
    });

    it('can read leads', async () => {
      const list = await t.http.get('/v1/leads').set(as(viewer, org.id)).expect(200);
      expect(ids(list.body.data)).toContain(lead.id);
      await t.http.get(`/v1/leads/${lead.id}`).set(as(viewer, org.id)).expect(200);
    });

    it('gets 403 on create, update, delete and restore, and nothing changes', async () => {
      expectError(await t.http.post('/v1/leads').set(as(viewer, org.id)).send({ name: 'By viewer' }), 403, 'FORBIDDEN');
      expectError(
        await t.http.patch(`/v1/leads/${lead.id}`).set(as(viewer, org.id)).send({ scoreValue: 99 }),
        403,
        'FORBIDDEN',
      );
      expectError(await t.http.delete(`/v1/leads/${lead.id}`).set(as(viewer, org.id)), 403, 'FORBIDDEN');
      expectError(await t.http.post(`/v1/leads/${deleted.id}/restore`).set(as(viewer, org.id)), 403, 'FORBIDDEN');

      const after = await t.http.get(`/v1/leads/${lead.id}`).set(as(org.admin, org.id)).expect(200);
      expect(after.body).toMatchObject({ scoreValue: 10, deletedAt: null });
      await t.http.get(`/v1/leads/${deleted.id}`).set(as(org.admin, org.id)).expect(404);
      const rows = await t.db.admin.query('select id from leads where organization_id = $1 and name = $2', [
        org.id,
        'By viewer',
      ]);
      expect(rows).toHaveLength(0);
    });

    it('control: an AGENT can create, and the ADMIN can update, delete and restore', async () => {
      const agent = await addMember(t.http, org, 'AGENT');
      const created = await t.http.post('/v1/leads').set(as(agent, org.id)).send({ name: 'By agent' }).expect(201);
      expect(created.body.createdById).toBe(agent.id);
      await t.http.patch(`/v1/leads/${created.body.id}`).set(as(agent, org.id)).send({ scoreValue: 50 }).expect(200);
      await t.http.post(`/v1/leads/${deleted.id}/restore`).set(as(org.admin, org.id)).expect(200);
      await t.http.delete(`/v1/leads/${deleted.id}`).set(as(org.admin, org.id)).expect(204);
    });
  });

  describe('cross-organization isolation of members', () => {
    it("refuses org B's admin on org A's members routes (403), beside A's admin (200)", async () => {
      const aMember = await addMember(t.http, a, 'AGENT');
      const outsider = await signup(t.http);

      await t.http.get('/v1/members').set(as(a.admin, a.id)).expect(200);
      expectError(await t.http.get('/v1/members').set(as(b.admin, a.id)), 403, 'NOT_A_MEMBER');
      expectError(
        await t.http.post('/v1/members').set(as(b.admin, a.id)).send({ email: outsider.email, role: 'ADMIN' }),
        403,
        'NOT_A_MEMBER',
      );
      expectError(
        await t.http.patch(`/v1/members/${aMember.id}`).set(as(b.admin, a.id)).send({ role: 'VIEWER' }),
        403,
        'NOT_A_MEMBER',
      );
      expectError(await t.http.delete(`/v1/members/${aMember.id}`).set(as(b.admin, a.id)), 403, 'NOT_A_MEMBER');

      // Through B's own context, A's member is simply not found.
      expectError(
        await t.http.patch(`/v1/members/${aMember.id}`).set(as(b.admin, b.id)).send({ role: 'VIEWER' }),
        404,
        'NOT_FOUND',
      );
      expectError(await t.http.delete(`/v1/members/${aMember.id}`).set(as(b.admin, b.id)), 404, 'NOT_FOUND');

      // Nothing changed in A.
      const listA = await t.http.get('/v1/members?pageSize=100').set(as(a.admin, a.id)).expect(200);
      expect(listA.body.data.find((m: any) => m.userId === aMember.id).role).toBe('AGENT');
      expect(ids(listA.body.data)).not.toContain(outsider.id);
      const rows = await t.db.admin.query('select 1 from memberships where user_id = $1', [outsider.id]);
      expect(rows).toHaveLength(0);
    });

    it("does not show org A's members through org B's member list", async () => {
      const aMember = await addMember(t.http, a, 'MANAGER');
      const listA = await t.http.get('/v1/members?pageSize=100').set(as(a.admin, a.id)).expect(200);
      const listB = await t.http.get('/v1/members?pageSize=100').set(as(b.admin, b.id)).expect(200);
      expect(ids(listA.body.data)).toEqual(expect.arrayContaining([a.admin.id, aMember.id]));
      const bIds = ids(listB.body.data);
      expect(bIds).toContain(b.admin.id);
      for (const id of ids(listA.body.data)) expect(bIds).not.toContain(id);
      expect(listB.body.meta.total).toBe(listB.body.data.length);
    });
  });

  describe('lead assignees must be members of the organization', () => {
    it('refuses a member of another organization with 422 INVALID_ASSIGNEE on create', async () => {
      const bMember = await addMember(t.http, b, 'AGENT');
      const res = await t.http.post('/v1/leads').set(as(a.admin, a.id)).send({ name: 'X', assignedToId: bMember.id });
      expectError(res, 422, 'INVALID_ASSIGNEE');
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'assignedToId' })]);
      expectError(
        await t.http.post('/v1/leads').set(as(a.admin, a.id)).send({ name: 'X', assignedToId: b.admin.id }),
        422,
        'INVALID_ASSIGNEE',
      );
      expectError(
        await t.http.post('/v1/leads').set(as(a.admin, a.id)).send({ name: 'X', assignedToId: randomUUID() }),
        422,
        'INVALID_ASSIGNEE',
      );
      // Control: a member of A.
      const aMember = await addMember(t.http, a, 'AGENT');
      const ok = await t.http
        .post('/v1/leads')
        .set(as(a.admin, a.id))
        .send({ name: 'X', assignedToId: aMember.id })
        .expect(201);
      expect(ok.body.assignedToId).toBe(aMember.id);
    });

    it('refuses a member of another organization with 422 INVALID_ASSIGNEE on update, leaving the lead as it was', async () => {
      const bMember = await addMember(t.http, b, 'AGENT');
      const aMember = await addMember(t.http, a, 'AGENT');
      const lead = await createLead(t.http, a.admin, a.id, { assignedToId: aMember.id });
      expectError(
        await t.http.patch(`/v1/leads/${lead.id}`).set(as(a.admin, a.id)).send({ assignedToId: bMember.id }),
        422,
        'INVALID_ASSIGNEE',
      );
      expect((await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin, a.id))).body.assignedToId).toBe(aMember.id);
      // Control: another member of A, and unassigning with null.
      const other = await addMember(t.http, a, 'MANAGER');
      const moved = await t.http
        .patch(`/v1/leads/${lead.id}`)
        .set(as(a.admin, a.id))
        .send({ assignedToId: other.id })
        .expect(200);
      expect(moved.body.assignedToId).toBe(other.id);
      const cleared = await t.http
        .patch(`/v1/leads/${lead.id}`)
        .set(as(a.admin, a.id))
        .send({ assignedToId: null })
        .expect(200);
      expect(cleared.body.assignedToId).toBeNull();
    });
  });
});
