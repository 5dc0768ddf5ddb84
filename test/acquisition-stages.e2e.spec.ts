// Issue 19, item 5: acquisition stages — the contacts' ordered pipeline, ADMIN-managed, every
// member reads; reorder in one transaction; contacts linked to a stage, its changes in their history.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, type User, twoOrganizations } from './helpers/fixtures.js';
import { usingPostgres } from './helpers/database.js';
import { createContact } from './helpers/records.js';
import { asApp } from './helpers/sql-as-app.js';

type Body = Record<string, any>;

describe('acquisition stages', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let viewer: User;

  const create = async (body: Body, orgId = a.id, user = a.admin): Promise<Body> => {
    const res = await t.http.post('/v1/acquisition-stages').set(as(user, orgId)).send(body);
    if (res.status !== 201) throw new Error(`POST /v1/acquisition-stages → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const pipeline = async (orgId = a.id, user = a.admin): Promise<Body[]> =>
    (await t.http.get('/v1/acquisition-stages').set(as(user, orgId)).expect(200)).body.data;
  const names = (stages: Body[]) => stages.map((s) => `${s.position}:${s.name}`);

  // Seed 001's pipeline.
  const SEED = [
    { name: 'Lead', defaultProbability: 10 },
    { name: 'Qualified', defaultProbability: 25 },
    { name: 'Proposal', defaultProbability: 50 },
    { name: 'Negotiation', defaultProbability: 75 },
    { name: 'Closed won', defaultProbability: 100, kind: 'WON' },
    { name: 'Closed lost', defaultProbability: 0, kind: 'LOST' },
  ];
  const stage: Record<string, Body> = {};

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
    for (const s of SEED) stage[s.name] = await create(s);
  });

  it('appends each new stage at the end, and lists them by position', async () => {
    expect(stage.Lead).toMatchObject({ position: 1, defaultProbability: 10, kind: 'OPEN', version: 1 });
    expect(stage['Closed won']).toMatchObject({ position: 5, defaultProbability: 100, kind: 'WON' });
    expect(stage.Lead).not.toHaveProperty('organizationId');
    expect(names(await pipeline())).toEqual([
      '1:Lead',
      '2:Qualified',
      '3:Proposal',
      '4:Negotiation',
      '5:Closed won',
      '6:Closed lost',
    ]);
    const one = await t.http.get(`/v1/acquisition-stages/${stage.Proposal.id}`).set(as(viewer, a.id)).expect(200);
    expect(one.body).toMatchObject({ name: 'Proposal', position: 3, defaultProbability: 50 });
    expect(one.headers.etag).toBe('"1"');
    const some = await t.http
      .get(`/v1/acquisition-stages?ids=${stage['Closed lost'].id},${stage.Lead.id}`)
      .set(as(a.admin, a.id))
      .expect(200);
    expect(names(some.body.data)).toEqual(['1:Lead', '6:Closed lost']);
  });

  it('reorders every stage in one request and keeps each stage its id and settings', async () => {
    const before = await pipeline();
    const order = [
      stage.Qualified,
      stage.Lead,
      stage.Proposal,
      stage.Negotiation,
      stage['Closed lost'],
      stage['Closed won'],
    ].map((s) => s.id);
    const res = await t.http
      .post('/v1/acquisition-stages/reorder')
      .set(as(a.admin, a.id))
      .send({ ids: order })
      .expect(200);
    expect(names(res.body.data)).toEqual([
      '1:Qualified',
      '2:Lead',
      '3:Proposal',
      '4:Negotiation',
      '5:Closed lost',
      '6:Closed won',
    ]);
    expect(names(await pipeline())).toEqual(names(res.body.data));
    // Only the stages that moved have a new version.
    const version = (list: Body[], id: string) => list.find((s) => s.id === id)?.version;
    expect(version(res.body.data, stage.Proposal.id)).toBe(version(before, stage.Proposal.id));
    expect(version(res.body.data, stage.Lead.id)).toBe(version(before, stage.Lead.id) + 1);
    expect(res.body.data.find((s: Body) => s.id === stage['Closed won'].id)).toMatchObject({
      defaultProbability: 100,
      kind: 'WON',
    });
    // Back to seed order for the other tests.
    await t.http
      .post('/v1/acquisition-stages/reorder')
      .set(as(a.admin, a.id))
      .send({ ids: SEED.map((s) => stage[s.name].id) })
      .expect(200);
    expect(names(await pipeline())[0]).toBe('1:Lead');
  });

  it('refuses a reorder whose ids are not exactly the stages (400) and changes nothing', async () => {
    const all = SEED.map((s) => stage[s.name].id);
    const theirs = await create({ name: 'B only' }, b.id, b.admin);
    for (const ids of [
      all.slice(1), // one missing
      [...all, theirs.id], // another organization's stage
      [...all.slice(1), theirs.id], // same size, wrong set
      [all[0], ...all], // a repeat
      [],
      ['not-a-uuid'],
    ]) {
      const res = await t.http.post('/v1/acquisition-stages/reorder').set(as(a.admin, a.id)).send({ ids });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect(names(await pipeline())).toEqual(SEED.map((s, i) => `${i + 1}:${s.name}`));
  });

  it('lets every member read and only ADMINs change the pipeline, in the API and in RLS', async () => {
    for (const reader of [manager, agent, viewer]) expect(await pipeline(a.id, reader)).toHaveLength(SEED.length);
    for (const denied of [manager, agent, viewer]) {
      await t.http.post('/v1/acquisition-stages').set(as(denied, a.id)).send({ name: 'Nope' }).expect(403);
      await t.http
        .patch(`/v1/acquisition-stages/${stage.Lead.id}`)
        .set(as(denied, a.id))
        .send({ name: 'x' })
        .expect(403);
      await t.http.delete(`/v1/acquisition-stages/${stage.Lead.id}`).set(as(denied, a.id)).expect(403);
      await t.http
        .post('/v1/acquisition-stages/reorder')
        .set(as(denied, a.id))
        .send({ ids: SEED.map((s) => stage[s.name].id).reverse() })
        .expect(403);
    }
    const rename = (role: string, user: string) =>
      asApp(t.db.admin, { org: a.id, user, role }, () =>
        t.db.admin.query("UPDATE acquisition_stages SET name = 'sql' WHERE id = $1 RETURNING id", [stage.Lead.id]),
      );
    expect(await rename('MANAGER', manager.id)).toHaveLength(0);
    expect(await rename('ADMIN', a.admin.id)).toHaveLength(1); // control (rolled back)
    expect(names(await pipeline())[0]).toBe('1:Lead');
  });

  it("hides another organization's stages: 404 on every verb, never listed", async () => {
    const theirs = as(b.admin, b.id);
    const id = stage.Lead.id;
    await t.http.get(`/v1/acquisition-stages/${id}`).set(theirs).expect(404);
    await t.http.patch(`/v1/acquisition-stages/${id}`).set(theirs).send({ name: 'Hijack' }).expect(404);
    await t.http.delete(`/v1/acquisition-stages/${id}`).set(theirs).expect(404);
    expect((await pipeline(b.id, b.admin)).map((s) => s.id)).not.toContain(id);
    await t.http.get(`/v1/acquisition-stages/${id}`).set(as(a.admin, a.id)).expect(200); // control
  });

  it('updates name, probability and kind; names are unique in the organization, any case', async () => {
    const s = await create({ name: 'Showing booked', defaultProbability: 30 });
    const res = await t.http
      .patch(`/v1/acquisition-stages/${s.id}`)
      .set(as(a.admin, a.id))
      .send({ name: 'Showing done', defaultProbability: 40, kind: 'OPEN' })
      .expect(200);
    expect(res.body).toMatchObject({ name: 'Showing done', defaultProbability: 40, position: s.position, version: 2 });
    const dup = await t.http.post('/v1/acquisition-stages').set(as(a.admin, a.id)).send({ name: 'showing DONE' });
    expect(dup.status).toBe(409);
    await create({ name: 'Showing done' }, b.id, b.admin); // control: another organization may
    await t.http.delete(`/v1/acquisition-stages/${s.id}`).set(as(a.admin, a.id)).expect(204);
  });

  it('refuses bad input with 400 VALIDATION_FAILED', async () => {
    for (const body of [
      {},
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 'ok', defaultProbability: 101 },
      { name: 'ok', defaultProbability: -1 },
      { name: 'ok', defaultProbability: 2.5 },
      { name: 'ok', kind: 'MAYBE' },
      { name: 'ok', position: 1 },
    ]) {
      const res = await t.http.post('/v1/acquisition-stages').set(as(a.admin, a.id)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('deletes a stage for good, closes the gap, and refuses while a live contact is in it', async () => {
    const temp = await create({ name: 'Temporary' });
    // Move it to the front, so deleting it shifts every other stage.
    await t.http
      .post('/v1/acquisition-stages/reorder')
      .set(as(a.admin, a.id))
      .send({ ids: [temp.id, ...SEED.map((s) => stage[s.name].id)] })
      .expect(200);
    const contact = await createContact(t.http, a.admin, a.id, { acquisitionStageId: temp.id });
    const refused = await t.http.delete(`/v1/acquisition-stages/${temp.id}`).set(as(a.admin, a.id));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ACQUISITION_STAGE_IN_USE');
    expect(refused.body.ref.contactIds).toEqual([contact.id]);

    // A soft-deleted contact does not hold the stage: it loses it when the stage goes.
    await t.http.delete(`/v1/contacts/${contact.id}`).set(as(a.admin, a.id)).expect(204);
    await t.http.delete(`/v1/acquisition-stages/${temp.id}`).set(as(a.admin, a.id)).expect(204);
    await t.http.get(`/v1/acquisition-stages/${temp.id}`).set(as(a.admin, a.id)).expect(404);
    await t.http.delete(`/v1/acquisition-stages/${temp.id}`).set(as(a.admin, a.id)).expect(404);
    expect(names(await pipeline())).toEqual(SEED.map((s, i) => `${i + 1}:${s.name}`));
    const [row] = await t.db.admin.query<{ acquisition_stage_id: string | null }>(
      'SELECT acquisition_stage_id FROM contacts WHERE id = $1',
      [contact.id],
    );
    expect(row.acquisition_stage_id).toBeNull();
  });

  (usingPostgres() ? it : it.skip)(
    'refuses the delete when a contact moves into the stage while it runs (the contact is not left without it)',
    async () => {
      const temp = await create({ name: 'Racing' });
      const contact = await createContact(t.http, a.admin, a.id, { name: 'Mover' });
      // The contact's move is in flight (its foreign key check holds the stage's row) when the delete starts.
      const mover = await t.db.openSession();
      try {
        await mover.exec('BEGIN');
        await mover.query('UPDATE contacts SET acquisition_stage_id = $1 WHERE id = $2', [temp.id, contact.id]);
        const deleting = t.http
          .delete(`/v1/acquisition-stages/${temp.id}`)
          .set(as(a.admin, a.id))
          .then((r) => r);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await mover.exec('COMMIT');
        const res = await deleting;
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('ACQUISITION_STAGE_IN_USE');
      } finally {
        await mover.close();
      }
      const [row] = await t.db.admin.query<{ acquisition_stage_id: string | null }>(
        'SELECT acquisition_stage_id FROM contacts WHERE id = $1',
        [contact.id],
      );
      expect(row.acquisition_stage_id).toBe(temp.id);
      // Control: moved out again, the stage deletes.
      await t.http
        .patch(`/v1/contacts/${contact.id}`)
        .set(as(a.admin, a.id))
        .send({ acquisitionStageId: null })
        .expect(200);
      await t.http.delete(`/v1/acquisition-stages/${temp.id}`).set(as(a.admin, a.id)).expect(204);
    },
  );

  it('keeps positions 1..n when stages are created concurrently', async () => {
    const created = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        t.http
          .post('/v1/acquisition-stages')
          .set(as(b.admin, b.id))
          .send({ name: `Concurrent ${i}` }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const positions = (await pipeline(b.id, b.admin)).map((s) => s.position);
    expect(positions).toEqual(positions.map((_, i) => i + 1));
  });

  it("links contacts to a stage, filters by it, and records each change in the contact's history", async () => {
    const c = await createContact(t.http, agent, a.id, { acquisitionStageId: stage.Lead.id });
    expect(c.acquisitionStageId).toBe(stage.Lead.id);
    const other = await createContact(t.http, agent, a.id, { acquisitionStageId: stage.Proposal.id });
    await t.http
      .patch(`/v1/contacts/${c.id}`)
      .set(as(agent, a.id))
      .send({ acquisitionStageId: stage.Qualified.id })
      .expect(200);

    const inQualified = await t.http
      .get(`/v1/contacts?acquisitionStageId=${stage.Qualified.id}&pageSize=100`)
      .set(as(a.admin, a.id))
      .expect(200);
    expect(inQualified.body.data.map((x: Body) => x.id)).toEqual([c.id]);
    expect(inQualified.body.data.map((x: Body) => x.id)).not.toContain(other.id);

    const history = await t.http.get(`/v1/contacts/${c.id}/audit`).set(as(a.admin, a.id)).expect(200);
    const change = history.body.data.find((e: Body) => e.action === 'UPDATE');
    expect(change.changes.acquisitionStageId).toEqual([stage.Lead.id, stage.Qualified.id]);
    expect(change.actor.userId).toBe(agent.id);

    // Another organization's stage, or no stage at all, is a 422 INVALID_REFERENCE.
    const theirs = await create({ name: 'Theirs' }, b.id, b.admin);
    for (const id of [theirs.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await t.http.patch(`/v1/contacts/${c.id}`).set(as(agent, a.id)).send({ acquisitionStageId: id });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('INVALID_REFERENCE');
      expect(res.body.details[0].field).toBe('acquisitionStageId');
    }
    // Cleared with null.
    const cleared = await t.http
      .patch(`/v1/contacts/${c.id}`)
      .set(as(agent, a.id))
      .send({ acquisitionStageId: null })
      .expect(200);
    expect(cleared.body.acquisitionStageId).toBeNull();
    // The composite key holds even without the API.
    await expect(
      t.db.admin.query('UPDATE contacts SET acquisition_stage_id = $1 WHERE id = $2', [theirs.id, c.id]),
    ).rejects.toThrow(/foreign key/);
  });
});
