// Issue 19, item 5: service lines (products) — ADMIN-managed CRUD with soft delete, every member
// reads, at most 3 active per organization enforced by the database (also under concurrency).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, type User, twoOrganizations } from './helpers/fixtures.js';
import { createContact } from './helpers/records.js';
import { asApp } from './helpers/sql-as-app.js';

type Body = Record<string, any>;
const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((x) => x.id);

describe('products (service lines)', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let viewer: User;
  let n = 0;

  const create = async (user: User, body: Body = {}, orgId = a.id): Promise<Body> => {
    const res = await t.http
      .post('/v1/products')
      .set(as(user, orgId))
      .send({ name: `Service line ${++n}`, ...body });
    if (res.status !== 201) throw new Error(`POST /v1/products → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** The live active products of an organization, counted by the database itself. */
  const activeCount = async (orgId: string): Promise<number> => {
    const [row] = await t.db.admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM products WHERE organization_id = $1 AND active AND deleted_at IS NULL',
      [orgId],
    );
    return row.n;
  };
  const deactivateAll = (orgId: string) =>
    t.db.admin.query('UPDATE products SET active = false WHERE organization_id = $1', [orgId]);

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
  });

  it('creates, reads, lists, updates, soft-deletes and restores', async () => {
    const created = await t.http
      .post('/v1/products')
      .set(as(a.admin, a.id))
      .send({ name: '  Buyer representation  ', description: 'Find and close the right home' })
      .expect(201);
    const p = created.body;
    expect(p).toMatchObject({
      name: 'Buyer representation',
      description: 'Find and close the right home',
      active: true,
      createdById: a.admin.id,
      version: 1,
      deletedAt: null,
    });
    expect(p).not.toHaveProperty('organizationId');
    expect(created.headers.location).toBe(`/v1/products/${p.id}`);
    expect(created.headers.etag).toBe('"1"');

    const one = await t.http.get(`/v1/products/${p.id}?include=createdBy`).set(as(agent, a.id)).expect(200);
    expect(one.body.createdBy).toMatchObject({ id: a.admin.id });

    const patched = await t.http
      .patch(`/v1/products/${p.id}`)
      .set(as(a.admin, a.id))
      .send({ description: null, active: false })
      .expect(200);
    expect(patched.body).toMatchObject({ description: null, active: false, version: 2 });
    const inactive = await t.http.get('/v1/products?active=false&pageSize=100').set(as(a.admin, a.id)).expect(200);
    expect(ids(inactive)).toContain(p.id);
    expect(ids(await t.http.get('/v1/products?active=true&pageSize=100').set(as(a.admin, a.id)))).not.toContain(p.id);

    await t.http.delete(`/v1/products/${p.id}`).set(as(a.admin, a.id)).expect(204);
    await t.http.get(`/v1/products/${p.id}`).set(as(a.admin, a.id)).expect(404);
    expect(ids(await t.http.get('/v1/products?pageSize=100').set(as(a.admin, a.id)))).not.toContain(p.id);
    expect(ids(await t.http.get('/v1/products?pageSize=100&includeDeleted=true').set(as(a.admin, a.id)))).toContain(
      p.id,
    );
    const restored = await t.http.post(`/v1/products/${p.id}/restore`).set(as(a.admin, a.id)).expect(200);
    expect(restored.body).toMatchObject({ deletedAt: null, active: false });
    await t.http.post(`/v1/products/${p.id}/restore`).set(as(a.admin, a.id)).expect(404);

    // A live name is unique, any case.
    const taken = await t.http.post('/v1/products').set(as(a.admin, a.id)).send({ name: 'BUYER representation' });
    expect(taken.status).toBe(409);
    expect(taken.body.details).toEqual([expect.objectContaining({ field: 'name' })]);
  });

  it('lets every member read but only ADMINs write (403 for MANAGER, AGENT, VIEWER), in the API and in RLS', async () => {
    const p = await create(a.admin, { active: false });
    for (const reader of [a.admin, manager, agent, viewer]) {
      await t.http.get(`/v1/products/${p.id}`).set(as(reader, a.id)).expect(200);
      expect(ids(await t.http.get('/v1/products?pageSize=100').set(as(reader, a.id)).expect(200))).toContain(p.id);
    }
    for (const denied of [manager, agent, viewer]) {
      const post = await t.http.post('/v1/products').set(as(denied, a.id)).send({ name: 'Nope', active: false });
      expect(post.status).toBe(403);
      expect(post.body.code).toBe('FORBIDDEN');
      await t.http.patch(`/v1/products/${p.id}`).set(as(denied, a.id)).send({ name: 'x' }).expect(403);
      await t.http.delete(`/v1/products/${p.id}`).set(as(denied, a.id)).expect(403);
    }
    // Below the API: a MANAGER's insert is refused by the policy, an ADMIN's (control) passes.
    const insert = (role: string, user: string) =>
      asApp(t.db.admin, { org: a.id, user, role }, () =>
        t.db.admin.query(
          "INSERT INTO products (organization_id, name, active) VALUES ($1, 'sql', false) RETURNING id",
          [a.id],
        ),
      );
    await expect(insert('MANAGER', manager.id)).rejects.toThrow(/row-level security/);
    await expect(insert('ADMIN', a.admin.id)).resolves.toHaveLength(1);
    // Soft delete only.
    await expect(
      asApp(t.db.admin, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
        t.db.admin.query('DELETE FROM products WHERE id = $1', [p.id]),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it("hides another organization's products: 404 on every verb, never listed", async () => {
    const p = await create(a.admin, { active: false });
    const theirs = as(b.admin, b.id);
    await t.http.get(`/v1/products/${p.id}`).set(theirs).expect(404);
    await t.http.patch(`/v1/products/${p.id}`).set(theirs).send({ name: 'Hijack' }).expect(404);
    await t.http.delete(`/v1/products/${p.id}`).set(theirs).expect(404);
    await t.http.post(`/v1/products/${p.id}/restore`).set(theirs).expect(404);
    expect(ids(await t.http.get('/v1/products?pageSize=100').set(theirs).expect(200))).not.toContain(p.id);
    // Control: A's admin still reads it, unchanged.
    const mine = await t.http.get(`/v1/products/${p.id}`).set(as(a.admin, a.id)).expect(200);
    expect(mine.body.name).toBe(p.name);
  });

  it('allows 3 active products and answers the fourth with 409 PRODUCT_ACTIVE_LIMIT (create, activate, restore)', async () => {
    await deactivateAll(a.id);
    const active = [await create(a.admin), await create(a.admin), await create(a.admin)];
    expect(await activeCount(a.id)).toBe(3);

    const fourth = await t.http.post('/v1/products').set(as(a.admin, a.id)).send({ name: 'Fourth' });
    expect(fourth.status).toBe(409);
    expect(fourth.body.code).toBe('PRODUCT_ACTIVE_LIMIT');
    expect(fourth.body.ref.productIds.sort()).toEqual(active.map((p) => p.id).sort());

    // An inactive one may be created, and not activated while 3 are.
    const spare = await create(a.admin, { name: 'Spare', active: false });
    const activate = await t.http.patch(`/v1/products/${spare.id}`).set(as(a.admin, a.id)).send({ active: true });
    expect(activate.status).toBe(409);
    expect(activate.body.code).toBe('PRODUCT_ACTIVE_LIMIT');

    // Deleting an active one makes room; restoring it while the room is taken is refused.
    await t.http.delete(`/v1/products/${active[0].id}`).set(as(a.admin, a.id)).expect(204);
    await t.http.patch(`/v1/products/${spare.id}`).set(as(a.admin, a.id)).send({ active: true }).expect(200);
    const restore = await t.http.post(`/v1/products/${active[0].id}/restore`).set(as(a.admin, a.id));
    expect(restore.status).toBe(409);
    expect(restore.body.code).toBe('PRODUCT_ACTIVE_LIMIT');
    expect(await activeCount(a.id)).toBe(3);

    // Another organization has its own 3 (control: the limit is per organization).
    await deactivateAll(b.id);
    for (let i = 0; i < 3; i++) await create(b.admin, {}, b.id);
    expect(await activeCount(b.id)).toBe(3);
  });

  it('the database refuses a fourth active product even when the API is bypassed', async () => {
    await deactivateAll(a.id);
    for (let i = 0; i < 3; i++) await create(a.admin);
    const insert = (active: boolean) =>
      asApp(t.db.admin, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
        t.db.admin.query('INSERT INTO products (organization_id, name, active) VALUES ($1, $2, $3) RETURNING id', [
          a.id,
          `Direct ${++n}`,
          active,
        ]),
      );
    await expect(insert(true)).rejects.toThrow(/at most 3 active products/);
    await expect(insert(false)).resolves.toHaveLength(1); // control: an inactive one is fine
    // Even as the table's owner (no RLS, no API): the trigger still counts.
    const [inactive] = await t.db.admin.query<{ id: string }>(
      'SELECT id FROM products WHERE organization_id = $1 AND NOT active AND deleted_at IS NULL LIMIT 1',
      [a.id],
    );
    await expect(t.db.admin.query('UPDATE products SET active = true WHERE id = $1', [inactive.id])).rejects.toThrow(
      /at most 3 active products/,
    );
    expect(await activeCount(a.id)).toBe(3);
  });

  it('under concurrent requests, exactly the free places are taken and the rest get 409', async () => {
    await deactivateAll(a.id);
    await create(a.admin); // 1 active: 2 places left
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.http
          .post('/v1/products')
          .set(as(a.admin, a.id))
          .send({ name: `Race ${n}-${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('PRODUCT_ACTIVE_LIMIT');
    expect(await activeCount(a.id)).toBe(3);

    // The same race through activation of existing inactive products.
    await deactivateAll(a.id);
    const spares = [];
    for (let i = 0; i < 5; i++) spares.push(await create(a.admin, { active: false }));
    const activations = await Promise.all(
      spares.map((p) => t.http.patch(`/v1/products/${p.id}`).set(as(a.admin, a.id)).send({ active: true })),
    );
    expect(activations.map((r) => r.status).sort()).toEqual([200, 200, 200, 409, 409]);
    expect(await activeCount(a.id)).toBe(3);
  });

  it('links contacts to a live product of the organization, and filters the contact list by it', async () => {
    const line = await create(a.admin, { active: false });
    const other = await create(a.admin, { active: false });
    const c = await createContact(t.http, agent, a.id, { productId: line.id });
    expect(c.productId).toBe(line.id);
    const elsewhere = await createContact(t.http, agent, a.id, { productId: other.id });
    const filtered = await t.http
      .get(`/v1/contacts?productId=${line.id}&pageSize=100`)
      .set(as(agent, a.id))
      .expect(200);
    expect(ids(filtered)).toContain(c.id);
    expect(ids(filtered)).not.toContain(elsewhere.id);

    // Another organization's product, an unknown id, or a soft-deleted product: 422 INVALID_REFERENCE.
    const theirs = await create(b.admin, { active: false }, b.id);
    const gone = await create(a.admin, { active: false });
    await t.http.delete(`/v1/products/${gone.id}`).set(as(a.admin, a.id)).expect(204);
    for (const id of [theirs.id, gone.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await t.http.patch(`/v1/contacts/${c.id}`).set(as(agent, a.id)).send({ productId: id });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'INVALID_REFERENCE', details: [{ field: 'productId' }] });
    }
    // A contact keeps its product when the product is soft-deleted.
    await t.http.delete(`/v1/products/${other.id}`).set(as(a.admin, a.id)).expect(204);
    const kept = await t.http.get(`/v1/contacts/${elsewhere.id}`).set(as(agent, a.id)).expect(200);
    expect(kept.body.productId).toBe(other.id);
    // The composite key holds without the API (control: the contact's own organization's product passes).
    await expect(
      t.db.admin.query('UPDATE contacts SET product_id = $1 WHERE id = $2', [theirs.id, c.id]),
    ).rejects.toThrow(/foreign key/);
    await t.db.admin.query('UPDATE contacts SET product_id = $1 WHERE id = $2', [other.id, c.id]);
    const cleared = await t.http
      .patch(`/v1/contacts/${c.id}`)
      .set(as(agent, a.id))
      .send({ productId: null })
      .expect(200);
    expect(cleared.body.productId).toBeNull();
  });

  it('refuses bad input with 400 VALIDATION_FAILED', async () => {
    for (const body of [
      {},
      { name: '' },
      { name: 'x'.repeat(201) },
      { name: 'ok', active: 'yes' },
      { name: 'ok', description: 'x'.repeat(5001) },
      { name: 'ok', unknown: 1 },
    ]) {
      const res = await t.http.post('/v1/products').set(as(a.admin, a.id)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const p = await create(a.admin, { active: false });
    await t.http.patch(`/v1/products/${p.id}`).set(as(a.admin, a.id)).send({ name: null }).expect(400);
    await t.http.patch(`/v1/products/${p.id}`).set(as(a.admin, a.id)).send({ active: null }).expect(400);
    await t.http.get('/v1/products/not-a-uuid').set(as(a.admin, a.id)).expect(400);
  });

  it('records every change in the audit history', async () => {
    const p = await create(a.admin, { active: false });
    await t.http.patch(`/v1/products/${p.id}`).set(as(a.admin, a.id)).send({ name: 'Renamed line' }).expect(200);
    const rows = await t.db.admin.query<{ action: string; changes: Record<string, unknown> }>(
      "SELECT action, changes FROM audit_log WHERE table_name = 'products' AND record_id = $1 ORDER BY id",
      [p.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['INSERT', 'UPDATE']);
    expect(rows[1].changes).toEqual({ name: [p.name, 'Renamed line'] });
  });
});
