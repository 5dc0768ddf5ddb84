// Issue 17, item 1: campaigns — CRUD with soft delete, roles, validation, tenancy, ETags, API-key scope.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, type User, twoOrganizations } from './helpers/fixtures.js';
import { createListing } from './helpers/records.js';

type Body = Record<string, any>;
const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((x) => x.id);

describe('campaigns', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let viewer: User;
  let n = 0;

  const create = async (user: User, body: Body = {}, orgId = a.id): Promise<Body> => {
    const res = await t.http
      .post('/v1/campaigns')
      .set(as(user, orgId))
      .send({ name: `Campaign ${++n}`, ...body });
    if (res.status !== 201) throw new Error(`POST /v1/campaigns → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
  });

  it('creates with every field, reads, lists, updates, soft-deletes and restores', async () => {
    const listing = await createListing(t.http, a.admin, a.id);
    const created = await t.http
      .post('/v1/campaigns')
      .set(as(a.admin, a.id))
      .send({
        name: '  Spring open house  ',
        description: 'Two open houses',
        status: 'ACTIVE',
        channel: 'EVENT',
        budget: '2500.5',
        startsOn: '2027-04-01',
        endsOn: '2027-04-30',
        utmSource: 'google',
        utmMedium: 'cpc',
        utmCampaign: 'spring-2027',
        listingId: listing.id,
        ownerId: manager.id,
      })
      .expect(201);
    const c = created.body;
    expect(c).toMatchObject({
      name: 'Spring open house',
      description: 'Two open houses',
      status: 'ACTIVE',
      channel: 'EVENT',
      budget: '2500.50',
      startsOn: '2027-04-01',
      endsOn: '2027-04-30',
      utmSource: 'google',
      utmMedium: 'cpc',
      utmCampaign: 'spring-2027',
      listingId: listing.id,
      ownerId: manager.id,
      createdById: a.admin.id,
      version: 1,
      deletedAt: null,
    });
    expect(c).not.toHaveProperty('organizationId');
    expect(created.headers.location).toBe(`/v1/campaigns/${c.id}`);
    expect(created.headers.etag).toBe('"1"');

    const defaults = await create(a.admin);
    expect(defaults).toMatchObject({
      status: 'DRAFT',
      channel: 'OTHER',
      budget: null,
      startsOn: null,
      utmCampaign: null,
    });

    const one = await t.http
      .get(`/v1/campaigns/${c.id}?include=listing,owner,createdBy`)
      .set(as(agent, a.id))
      .expect(200);
    expect(one.body.listing).toEqual({ id: listing.id, title: listing.title });
    expect(one.body.owner).toMatchObject({ id: manager.id });
    expect(one.body.createdBy).toMatchObject({ id: a.admin.id });

    const patched = await t.http
      .patch(`/v1/campaigns/${c.id}`)
      .set(as(manager, a.id))
      .send({ status: 'PAUSED', budget: null, listingId: null, description: null })
      .expect(200);
    expect(patched.body).toMatchObject({
      status: 'PAUSED',
      budget: null,
      listingId: null,
      description: null,
      version: 2,
    });

    await t.http.delete(`/v1/campaigns/${c.id}`).set(as(manager, a.id)).expect(204);
    await t.http.get(`/v1/campaigns/${c.id}`).set(as(a.admin, a.id)).expect(404);
    expect(ids(await t.http.get('/v1/campaigns?pageSize=100').set(as(a.admin, a.id)))).not.toContain(c.id);
    const withDeleted = await t.http.get('/v1/campaigns?pageSize=100&includeDeleted=true').set(as(a.admin, a.id));
    expect(ids(withDeleted)).toContain(c.id);
    await t.http.get('/v1/campaigns?includeDeleted=true').set(as(manager, a.id)).expect(403);
    const restored = await t.http.post(`/v1/campaigns/${c.id}/restore`).set(as(manager, a.id)).expect(200);
    expect(restored.body.deletedAt).toBeNull();
    await t.http.post(`/v1/campaigns/${c.id}/restore`).set(as(manager, a.id)).expect(404);
  });

  it('lets every member read but only ADMINs and MANAGERs write (403 FORBIDDEN for AGENT and VIEWER)', async () => {
    const c = await create(manager);
    for (const reader of [a.admin, manager, agent, viewer]) {
      await t.http.get(`/v1/campaigns/${c.id}`).set(as(reader, a.id)).expect(200);
      expect(ids(await t.http.get('/v1/campaigns?pageSize=100').set(as(reader, a.id)).expect(200))).toContain(c.id);
    }
    for (const denied of [agent, viewer]) {
      const post = await t.http.post('/v1/campaigns').set(as(denied, a.id)).send({ name: 'Nope' }).expect(403);
      expect(post.body.code).toBe('FORBIDDEN');
      const patch = await t.http.patch(`/v1/campaigns/${c.id}`).set(as(denied, a.id)).send({ name: 'x' }).expect(403);
      expect(patch.body.code).toBe('FORBIDDEN');
      expect((await t.http.delete(`/v1/campaigns/${c.id}`).set(as(denied, a.id)).expect(403)).body.code).toBe(
        'FORBIDDEN',
      );
      await t.http.post(`/v1/campaigns/${c.id}/restore`).set(as(denied, a.id)).expect(403);
    }
    // Allowed controls: the same writes by a MANAGER and an ADMIN.
    await t.http.patch(`/v1/campaigns/${c.id}`).set(as(manager, a.id)).send({ name: 'Renamed' }).expect(200);
    await t.http.delete(`/v1/campaigns/${c.id}`).set(as(a.admin, a.id)).expect(204);
    await t.http.post(`/v1/campaigns/${c.id}/restore`).set(as(a.admin, a.id)).expect(200);
    const read = await t.http.get(`/v1/campaigns/${c.id}`).set(as(viewer, a.id)).expect(200);
    expect(read.body.name).toBe('Renamed');
  });

  it("hides org A's campaign from org B on every route, beside A's allowed control", async () => {
    const c = await create(a.admin);
    const routes = [
      () => t.http.get(`/v1/campaigns/${c.id}`),
      () => t.http.get(`/v1/campaigns/${c.id}/performance`),
      () => t.http.patch(`/v1/campaigns/${c.id}`).send({ name: 'x' }),
      () => t.http.delete(`/v1/campaigns/${c.id}`),
      () => t.http.post(`/v1/campaigns/${c.id}/restore`),
    ];
    for (const route of routes) await route().set(as(b.admin, b.id)).expect(404);
    expect(ids(await t.http.get('/v1/campaigns?pageSize=100').set(as(b.admin, b.id)))).not.toContain(c.id);
    expect(ids(await t.http.get('/v1/campaigns?pageSize=100').set(as(a.admin, a.id)))).toContain(c.id);
    await t.http.get(`/v1/campaigns/${c.id}/performance`).set(as(a.admin, a.id)).expect(200);
    const still = await t.http.get(`/v1/campaigns/${c.id}`).set(as(a.admin, a.id)).expect(200);
    expect(still.body).toMatchObject({ name: c.name, version: 1, deletedAt: null });
  });

  it('refuses bad input with documented 4xx codes, never a 500', async () => {
    const bad = async (body: Body, field: string) => {
      const res = await t.http.post('/v1/campaigns').set(as(a.admin, a.id)).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad({}, 'name');
    await bad({ name: '   ' }, 'name');
    await bad({ name: 'x'.repeat(201) }, 'name');
    await bad({ name: 'x', status: 'RUNNING' }, 'status');
    await bad({ name: 'x', channel: 'BILLBOARD' }, 'channel');
    await bad({ name: 'x', budget: '-5' }, 'budget');
    await bad({ name: 'x', budget: 12.5 }, 'budget');
    await bad({ name: 'x', budget: '12345678901' }, 'budget');
    await bad({ name: 'x', startsOn: '2027-02-30' }, 'startsOn');
    await bad({ name: 'x', utmCampaign: '' }, 'utmCampaign');
    await bad({ name: 'x', utmSource: 'y'.repeat(201) }, 'utmSource');
    await bad({ name: 'x', description: 'd'.repeat(5001) }, 'description');
    await bad({ name: 'x', ownerId: 'not-a-uuid' }, 'ownerId');
    await bad({ name: 'x', organizationId: b.id }, 'organizationId');

    const dates = await t.http
      .post('/v1/campaigns')
      .set(as(a.admin, a.id))
      .send({ name: 'x', startsOn: '2027-05-01', endsOn: '2027-04-01' })
      .expect(422);
    expect(dates.body).toMatchObject({ code: 'BUSINESS_RULE_VIOLATION', details: [{ field: 'endsOn' }] });
    const c = await create(a.admin, { startsOn: '2027-05-01' });
    await t.http.patch(`/v1/campaigns/${c.id}`).set(as(a.admin, a.id)).send({ endsOn: '2027-04-01' }).expect(422);
    const nulled = await t.http.patch(`/v1/campaigns/${c.id}`).set(as(a.admin, a.id)).send({ name: null });
    expect(nulled.status).toBe(400);
    await t.http.get('/v1/campaigns/not-a-uuid').set(as(a.admin, a.id)).expect(400);
  });

  it('answers unknown owners and listings as the leads API answers unknown references (422)', async () => {
    const otherListing = await createListing(t.http, b.admin, b.id);
    const stranger = b.admin.id;
    const owner = await t.http.post('/v1/campaigns').set(as(a.admin, a.id)).send({ name: 'x', ownerId: stranger });
    expect(owner.status).toBe(422);
    expect(owner.body).toMatchObject({ code: 'INVALID_ASSIGNEE', details: [{ field: 'ownerId' }] });
    const viewerOwner = await t.http
      .post('/v1/campaigns')
      .set(as(a.admin, a.id))
      .send({ name: 'x', ownerId: viewer.id });
    expect(viewerOwner.body.code).toBe('INVALID_ASSIGNEE');
    const listing = await t.http
      .post('/v1/campaigns')
      .set(as(a.admin, a.id))
      .send({ name: 'x', listingId: otherListing.id })
      .expect(422);
    expect(listing.body).toMatchObject({ code: 'INVALID_REFERENCE', details: [{ field: 'listingId' }] });
    const c = await create(a.admin);
    const patch = await t.http
      .patch(`/v1/campaigns/${c.id}`)
      .set(as(a.admin, a.id))
      .send({ listingId: otherListing.id })
      .expect(422);
    expect(patch.body.code).toBe('INVALID_REFERENCE');
    // Allowed control: an AGENT may own a campaign, and a live listing of A may be linked.
    const mine = await createListing(t.http, a.admin, a.id);
    await create(a.admin, { ownerId: agent.id, listingId: mine.id });
  });

  it('keeps utmCampaign unique among live campaigns, any case (409 UTM_CAMPAIGN_TAKEN)', async () => {
    const first = await create(a.admin, { utmCampaign: 'Fall-Mailer' });
    const dup = await t.http
      .post('/v1/campaigns')
      .set(as(a.admin, a.id))
      .send({ name: 'Second', utmCampaign: 'fall-mailer' })
      .expect(409);
    expect(dup.body).toMatchObject({
      code: 'UTM_CAMPAIGN_TAKEN',
      details: [{ field: 'utmCampaign', code: 'NOT_UNIQUE' }],
      ref: { campaignIds: [first.id] },
    });
    const other = await create(a.admin, { utmCampaign: 'winter' });
    const patch = await t.http
      .patch(`/v1/campaigns/${other.id}`)
      .set(as(a.admin, a.id))
      .send({ utmCampaign: 'FALL-MAILER' })
      .expect(409);
    expect(patch.body.code).toBe('UTM_CAMPAIGN_TAKEN');
    // The same value again on the same campaign, in another case, is not a conflict with itself.
    await t.http
      .patch(`/v1/campaigns/${first.id}`)
      .set(as(a.admin, a.id))
      .send({ utmCampaign: 'FALL-mailer' })
      .expect(200);
    // Another organization has its own namespace.
    await create(b.admin, { utmCampaign: 'fall-mailer' }, b.id);
    // A deleted campaign frees the value; restoring it while another holds it is a 409.
    await t.http.delete(`/v1/campaigns/${first.id}`).set(as(a.admin, a.id)).expect(204);
    const successor = await create(a.admin, { utmCampaign: 'fall-mailer' });
    const restore = await t.http.post(`/v1/campaigns/${first.id}/restore`).set(as(a.admin, a.id)).expect(409);
    expect(restore.body).toMatchObject({ code: 'UTM_CAMPAIGN_TAKEN', ref: { campaignIds: [successor.id] } });
    await t.http.delete(`/v1/campaigns/${successor.id}`).set(as(a.admin, a.id)).expect(204);
    await t.http.post(`/v1/campaigns/${first.id}/restore`).set(as(a.admin, a.id)).expect(200);
  });

  it('honours If-Match on writes (412 with the current ETag when stale)', async () => {
    const c = await create(a.admin);
    const read = await t.http.get(`/v1/campaigns/${c.id}`).set(as(a.admin, a.id)).expect(200);
    expect(read.headers.etag).toBe('"1"');
    const ok = await t.http
      .patch(`/v1/campaigns/${c.id}`)
      .set(as(a.admin, a.id))
      .set('if-match', '"1"')
      .send({ name: 'v2' })
      .expect(200);
    expect(ok.headers.etag).toBe('"2"');
    const stale = await t.http
      .patch(`/v1/campaigns/${c.id}`)
      .set(as(a.admin, a.id))
      .set('if-match', '"1"')
      .send({ name: 'v3' })
      .expect(412);
    expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED', ref: { etag: '"2"' } });
    await t.http.delete(`/v1/campaigns/${c.id}`).set(as(a.admin, a.id)).set('if-match', '"1"').expect(412);
    expect((await t.http.get(`/v1/campaigns/${c.id}`).set(as(a.admin, a.id))).body.name).toBe('v2');
    await t.http.delete(`/v1/campaigns/${c.id}`).set(as(a.admin, a.id)).set('if-match', '"2"').expect(204);
  });

  describe('list', () => {
    let listing: Body;
    let made: Body[];

    beforeAll(async () => {
      listing = await createListing(t.http, a.admin, a.id);
      // A member of their own, so no other test's campaign shares the owner filter.
      const owner = await addMember(t.http, a, 'AGENT');
      made = [
        await create(a.admin, { name: 'Zillow boost', status: 'ACTIVE', channel: 'GOOGLE_ADS', ownerId: owner.id }),
        await create(a.admin, { name: 'Open house 50%', status: 'PAUSED', channel: 'EVENT', listingId: listing.id }),
        await create(a.admin, {
          name: 'Postcards',
          status: 'ACTIVE',
          channel: 'EMAIL_CAMPAIGN',
          startsOn: '2027-01-01',
        }),
      ];
    });

    const list = async (query: string, user: User = a.admin) =>
      ids(await t.http.get(`/v1/campaigns?pageSize=100&${query}`).set(as(user, a.id)).expect(200));

    it('filters by status, channel, owner, listing, q and ids', async () => {
      const [zillow, openHouse, postcards] = made.map((c) => c.id);
      const active = await list('status=ACTIVE');
      expect(active).toEqual(expect.arrayContaining([zillow, postcards]));
      expect(active).not.toContain(openHouse);
      const channels = await list('channel=EVENT,EMAIL_CAMPAIGN');
      expect(channels).toEqual(expect.arrayContaining([openHouse, postcards]));
      expect(channels).not.toContain(zillow);
      expect(await list(`ownerId=${made[0].ownerId}`)).toEqual([zillow]);
      expect(await list(`listingId=${listing.id}`)).toEqual([openHouse]);
      expect(await list('q=50%25')).toEqual([openHouse]);
      expect(await list('q=ZILLOW')).toEqual([zillow]);
      expect(await list(`ids=${zillow},${postcards}&sort=name`)).toEqual([postcards, zillow]);
      await t.http.get('/v1/campaigns?status=RUNNING').set(as(a.admin, a.id)).expect(400);
      await t.http.get('/v1/campaigns?sort=budget').set(as(a.admin, a.id)).expect(400);
    });

    it('pages and sorts', async () => {
      const page = await t.http
        .get('/v1/campaigns?pageSize=2&page=1&sort=-createdAt')
        .set(as(a.admin, a.id))
        .expect(200);
      expect(page.body.data).toHaveLength(2);
      expect(page.body.meta).toMatchObject({ page: 1, pageSize: 2 });
      expect(page.body.meta.total).toBeGreaterThanOrEqual(3);
      const byStart = await list(`ids=${made.map((c) => c.id).join(',')}&sort=startsOn`);
      expect(byStart[0]).toBe(made[2].id);
    });
  });

  it('reaches API keys with the campaigns scope only', async () => {
    const key = async (scopes: string[]) =>
      (await t.http.post('/v1/api-keys').set(as(a.admin, a.id)).send({ name: 'k', scopes }).expect(201)).body.secret;
    const reader = await key(['campaigns:read']);
    const writer = await key(['campaigns:read', 'campaigns:write']);
    const other = await key(['leads:read']);
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
    await t.http.get('/v1/campaigns').set(bearer(reader)).expect(200);
    const denied = await t.http.post('/v1/campaigns').set(bearer(reader)).send({ name: 'k' }).expect(403);
    expect(denied.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', ref: { scope: 'campaigns:write' } });
    expect((await t.http.get('/v1/campaigns').set(bearer(other)).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
    const made = await t.http.post('/v1/campaigns').set(bearer(writer)).send({ name: 'By key' }).expect(201);
    expect(made.body.createdById).toBe(a.admin.id);
  });
});
