import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { SqlSession } from '../src/database/sql-session.js';
import { addMember, as, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { asApp } from './helpers/sql-as-app.js';

type Body = Record<string, any>;

const BASE = { title: 'Home', address: '1 Elm St', city: 'Austin', state: 'TX', zipCode: '78701', price: '500000' };

describe('listings', () => {
  const { t, a, b } = twoOrganizations();
  let sql: SqlSession;

  const createListing = async (user: User, orgId: string, body: Body = {}): Promise<Body> => {
    const res = await t.http
      .post('/v1/listings')
      .set(as(user, orgId))
      .send({ ...BASE, ...body });
    expect(res.status).toBe(201);
    return res.body;
  };

  const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((d) => d.id);

  beforeAll(async () => {
    sql = t.db.admin;
  });

  describe('CRUD', () => {
    it('creates a listing with every field and returns it with its RESO view', async () => {
      const agent = await addMember(t.http, a, 'AGENT');
      const body = {
        title: 'Sunny Victorian',
        description: 'Restored 1905 Victorian',
        address: '123 Main St',
        city: 'San Francisco',
        state: 'CA',
        zipCode: '94114',
        country: 'USA',
        propertyType: 'CONDO',
        bedrooms: 3,
        bathrooms: '2.5',
        squareFeet: 1850,
        lotSize: '2500',
        yearBuilt: 1905,
        price: '1250000',
        status: 'CONTINGENT',
        mlsNumber: 'SF-0001',
        listingDate: '2026-11-01',
        expirationDate: '2027-05-01',
        images: ['https://cdn.example.com/1.jpg', 'https://cdn.example.com/2.jpg'],
        virtualTourUrl: 'https://tours.example.com/123',
        features: ['garden', 'garage'],
        notes: 'Lockbox',
        tags: ['open-house'],
        customFields: { hoaFee: '450.00' },
        assignedToId: agent.id,
      };
      const listing = await createListing(a.admin, a.id, body);
      expect(listing).toEqual({
        ...body,
        id: expect.any(String),
        bathrooms: '2.5',
        lotSize: '2500.00',
        price: '1250000.00',
        pricePerSqft: '675.68', // 1250000 / 1850, derived by the database
        listingDate: '2026-11-01',
        expirationDate: '2027-05-01',
        createdById: a.admin.id,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        version: 1,
        deletedAt: null,
        reso: { standardStatus: 'Active Under Contract', propertyType: 'Residential', propertySubType: 'Condominium' },
      });
      const got = await t.http.get(`/v1/listings/${listing.id}`).set(as(a.admin)).expect(200);
      expect(got.body).toEqual(listing);
    });

    it('applies defaults and keeps an explicit pricePerSqft', async () => {
      const listing = await createListing(a.admin, a.id, { pricePerSqft: '300', squareFeet: 1000 });
      expect(listing).toMatchObject({
        country: 'USA',
        propertyType: 'RESIDENTIAL',
        status: 'ACTIVE',
        pricePerSqft: '300.00',
        bathrooms: null,
        images: [],
        reso: { standardStatus: 'Active', propertyType: 'Residential', propertySubType: 'Single Family Residence' },
      });
      const noArea = await createListing(a.admin, a.id);
      expect(noArea.pricePerSqft).toBeNull();
    });

    it('re-derives pricePerSqft when price or area change, unless a new one is sent', async () => {
      const listing = await createListing(a.admin, a.id, { price: '600000', squareFeet: 2000 });
      expect(listing.pricePerSqft).toBe('300.00');
      const cheaper = await t.http.patch(`/v1/listings/${listing.id}`).set(as(a.admin)).send({ price: '500000' });
      expect(cheaper.body.pricePerSqft).toBe('250.00');
      const bigger = await t.http.patch(`/v1/listings/${listing.id}`).set(as(a.admin)).send({ squareFeet: 2500 });
      expect(bigger.body.pricePerSqft).toBe('200.00');
      const explicit = await t.http
        .patch(`/v1/listings/${listing.id}`)
        .set(as(a.admin))
        .send({ price: '700000', pricePerSqft: '123.45' });
      expect(explicit.body.pricePerSqft).toBe('123.45');
      const unrelated = await t.http.patch(`/v1/listings/${listing.id}`).set(as(a.admin)).send({ title: 'Renamed' });
      expect(unrelated.body).toMatchObject({ title: 'Renamed', pricePerSqft: '123.45' });
      const noArea = await t.http.patch(`/v1/listings/${listing.id}`).set(as(a.admin)).send({ squareFeet: null });
      expect(noArea.body.pricePerSqft).toBeNull();
    });

    it('updates, soft-deletes and restores; includeDeleted is for ADMINs', async () => {
      const manager = await addMember(t.http, a, 'MANAGER');
      const listing = await createListing(a.admin, a.id);
      const patched = await t.http
        .patch(`/v1/listings/${listing.id}`)
        .set(as(manager, a.id))
        .send({ status: 'SOLD', propertyType: 'LAND', bedrooms: null })
        .expect(200);
      expect(patched.body).toMatchObject({
        status: 'SOLD',
        bedrooms: null,
        reso: { standardStatus: 'Closed', propertyType: 'Land', propertySubType: 'Unimproved Land' },
      });
      await t.http.delete(`/v1/listings/${listing.id}`).set(as(a.admin)).expect(204);
      await t.http.get(`/v1/listings/${listing.id}`).set(as(a.admin)).expect(404);
      const live = await t.http.get('/v1/listings?pageSize=100').set(as(a.admin)).expect(200);
      expect(ids(live)).not.toContain(listing.id);
      const all = await t.http.get('/v1/listings?pageSize=100&includeDeleted=true').set(as(a.admin)).expect(200);
      expect(ids(all)).toContain(listing.id);
      await t.http.get('/v1/listings?includeDeleted=true').set(as(manager, a.id)).expect(403);
      await t.http.post(`/v1/listings/${listing.id}/restore`).set(as(a.admin)).expect(200);
      await t.http.post(`/v1/listings/${listing.id}/restore`).set(as(a.admin)).expect(404);
      await t.http.get(`/v1/listings/${listing.id}`).set(as(a.admin)).expect(200);
    });

    it('takes bathrooms as a JSON number or a decimal string alike', async () => {
      const asNumber = await createListing(a.admin, a.id, { bathrooms: 2.5 });
      const asString = await createListing(a.admin, a.id, { bathrooms: '2.5' });
      expect([asNumber.bathrooms, asString.bathrooms]).toEqual(['2.5', '2.5']);
      const whole = await t.http
        .patch(`/v1/listings/${asNumber.id}`)
        .set(as(a.admin))
        .send({ bathrooms: 3 })
        .expect(200);
      expect(whole.body.bathrooms).toBe('3.0');
    });

    it('validates the body', async () => {
      for (const body of [
        { ...BASE, price: '1.999' },
        { ...BASE, price: '-5' },
        { ...BASE, bathrooms: 2.25 },
        { ...BASE, bathrooms: '2.25' },
        { ...BASE, bathrooms: -1 },
        { ...BASE, bathrooms: true },
        { ...BASE, images: ['not a url'] },
        { ...BASE, images: 'https://x.example.com/a.jpg' },
        { ...BASE, virtualTourUrl: 'ftp://x.example.com' },
        { ...BASE, propertyType: 'CASTLE' },
        { ...BASE, yearBuilt: 1200 },
        { ...BASE, city: '' },
        { title: 'x' },
      ]) {
        const res = await t.http.post('/v1/listings').set(as(a.admin)).send(body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
    });

    it('refuses an expiration date before the listing date', async () => {
      const res = await t.http
        .post('/v1/listings')
        .set(as(a.admin))
        .send({ ...BASE, listingDate: '2027-01-01', expirationDate: '2026-01-01' })
        .expect(422);
      expect(res.body.details).toEqual([
        expect.objectContaining({ field: 'expirationDate', message: 'must not be before listingDate' }),
      ]);
      const listing = await createListing(a.admin, a.id, { listingDate: '2027-01-01' });
      await t.http
        .patch(`/v1/listings/${listing.id}`)
        .set(as(a.admin))
        .send({ expirationDate: '2026-12-01' })
        .expect(422);
      await t.http
        .patch(`/v1/listings/${listing.id}`)
        .set(as(a.admin))
        .send({ expirationDate: '2027-12-01' })
        .expect(200);
    });

    it('accepts as listing agent only a writing member of the organization', async () => {
      const viewer = await addMember(t.http, a, 'VIEWER');
      for (const assignedToId of [b.admin.id, viewer.id]) {
        const res = await t.http
          .post('/v1/listings')
          .set(as(a.admin))
          .send({ ...BASE, assignedToId })
          .expect(422);
        expect(res.body).toMatchObject({ code: 'INVALID_ASSIGNEE', details: [{ field: 'assignedToId' }] });
      }
      await t.http.post('/v1/listings').set(as(viewer, a.id)).send(BASE).expect(403);
      await t.http.get('/v1/listings').set(as(viewer, a.id)).expect(200);
    });
  });

  describe('MLS number', () => {
    it('is unique per organization: 409 MLS_NUMBER_TAKEN, other organizations unaffected', async () => {
      await createListing(a.admin, a.id, { mlsNumber: 'MLS-42' });
      const dup = await t.http
        .post('/v1/listings')
        .set(as(a.admin))
        .send({ ...BASE, mlsNumber: 'MLS-42' })
        .expect(409);
      expect(dup.body).toMatchObject({ code: 'MLS_NUMBER_TAKEN', details: [{ field: 'mlsNumber' }] });
      await createListing(b.admin, b.id, { mlsNumber: 'MLS-42' });
      const other = await createListing(a.admin, a.id, { mlsNumber: 'MLS-43' });
      const patch = await t.http
        .patch(`/v1/listings/${other.id}`)
        .set(as(a.admin))
        .send({ mlsNumber: 'MLS-42' })
        .expect(409);
      expect(patch.body.code).toBe('MLS_NUMBER_TAKEN');
      // Re-sending its own number is not a conflict.
      await t.http.patch(`/v1/listings/${other.id}`).set(as(a.admin)).send({ mlsNumber: 'MLS-43' }).expect(200);
    });

    it('stays taken while its listing is soft-deleted, so a restore can never collide', async () => {
      const listing = await createListing(a.admin, a.id, { mlsNumber: 'MLS-DEL' });
      await t.http.delete(`/v1/listings/${listing.id}`).set(as(a.admin)).expect(204);
      const res = await t.http
        .post('/v1/listings')
        .set(as(a.admin))
        .send({ ...BASE, mlsNumber: 'MLS-DEL' })
        .expect(409);
      expect(res.body.code).toBe('MLS_NUMBER_TAKEN');
      await t.http.post(`/v1/listings/${listing.id}/restore`).set(as(a.admin)).expect(200);
    });

    it('is enforced by the database too', async () => {
      await createListing(a.admin, a.id, { mlsNumber: 'MLS-DB' });
      await expect(
        sql.query(
          `INSERT INTO listings (organization_id, title, address, city, state, zip_code, price, mls_number)
           VALUES ($1, 'x', 'x', 'x', 'x', 'x', 1, 'MLS-DB')`,
          [a.id],
        ),
      ).rejects.toThrow(/listings_org_mls_key/);
    });
  });

  describe('history', () => {
    it('records the initial price and status, PATCH and raw SQL changes, newest first', async () => {
      const listing = await createListing(a.admin, a.id, { price: '800000' });
      await t.http.patch(`/v1/listings/${listing.id}`).set(as(a.admin)).send({ price: '780000' }).expect(200);
      await t.http.patch(`/v1/listings/${listing.id}`).set(as(a.admin)).send({ title: 'No price change' }).expect(200);
      await t.http.patch(`/v1/listings/${listing.id}`).set(as(a.admin)).send({ status: 'PENDING' }).expect(200);
      const agent = await addMember(t.http, a, 'AGENT');
      await asApp(
        sql,
        { org: a.id, user: agent.id, role: 'AGENT' },
        () => sql.query(`UPDATE listings SET price = 760000, status = 'SOLD' WHERE id = $1`, [listing.id]),
        { commit: true },
      );
      const res = await t.http.get(`/v1/listings/${listing.id}/history`).set(as(a.admin)).expect(200);
      expect(res.body.price.map((h: Body) => [h.oldPrice, h.newPrice, h.changedById])).toEqual([
        ['780000.00', '760000.00', agent.id],
        ['800000.00', '780000.00', a.admin.id],
        [null, '800000.00', a.admin.id],
      ]);
      expect(res.body.status.map((h: Body) => [h.fromStatus, h.toStatus, h.changedById])).toEqual([
        ['PENDING', 'SOLD', agent.id],
        ['ACTIVE', 'PENDING', a.admin.id],
        [null, 'ACTIVE', a.admin.id],
      ]);
      expect(res.body.price[0]).not.toHaveProperty('organizationId');

      // The same as pages, like every other list.
      const price = await t.http
        .get(`/v1/listings/${listing.id}/price-history?pageSize=2`)
        .set(as(a.admin))
        .expect(200);
      expect(price.body.data).toEqual(res.body.price.slice(0, 2));
      expect(price.body.meta).toEqual({ page: 1, pageSize: 2, total: 3, totalPages: 2 });
      const status = await t.http
        .get(`/v1/listings/${listing.id}/status-history?page=2&pageSize=2`)
        .set(as(a.admin))
        .expect(200);
      expect(status.body.data).toEqual(res.body.status.slice(2));
      expect(status.body.meta.total).toBe(3);
    });

    it('listing_price_history and listing_status_history keep tenants apart in SQL', async () => {
      const listingA = (await createListing(a.admin, a.id)).id;
      const listingB = (await createListing(b.admin, b.id)).id;
      for (const table of ['listing_price_history', 'listing_status_history']) {
        const select = () =>
          sql.query<{ listing_id: string }>(`SELECT listing_id FROM ${table} WHERE listing_id = ANY($1)`, [
            [listingA, listingB],
          ]);
        expect(await select()).toHaveLength(2); // control: owner sees both
        expect(await asApp(sql, {}, select)).toHaveLength(0);
        const seen = await asApp(sql, { org: a.id, user: a.admin.id, role: 'ADMIN' }, select);
        expect(seen.map((r) => r.listing_id)).toEqual([listingA]);
        await expect(
          asApp(
            sql,
            { org: a.id, user: a.admin.id, role: 'ADMIN' },
            () => sql.query(`DELETE FROM ${table} WHERE listing_id = $1`, [listingA]),
            { commit: true },
          ),
        ).rejects.toThrow(/permission denied/);
      }
      // Composite keys: a history row of org A cannot point at org B's listing, even as the owner.
      await expect(
        sql.query(`INSERT INTO listing_price_history (organization_id, listing_id, new_price) VALUES ($1, $2, 1)`, [
          a.id,
          listingB,
        ]),
      ).rejects.toThrow(/foreign key/);
      await expect(
        sql.query(
          `INSERT INTO listing_status_history (organization_id, listing_id, to_status) VALUES ($1, $2, 'ACTIVE')`,
          [a.id, listingB],
        ),
      ).rejects.toThrow(/foreign key/);
      // crm_app cannot forge a price that the listing does not have.
      await expect(
        asApp(
          sql,
          { org: a.id, user: a.admin.id, role: 'ADMIN' },
          () =>
            sql.query(`INSERT INTO listing_price_history (organization_id, listing_id, new_price) VALUES ($1, $2, 1)`, [
              a.id,
              listingA,
            ]),
          { commit: true },
        ),
      ).rejects.toThrow(/row-level security/);
      const ok = await sql.query(
        `INSERT INTO listing_price_history (organization_id, listing_id, new_price) VALUES ($1, $2, 1) RETURNING id`,
        [a.id, listingA],
      );
      expect(ok).toHaveLength(1);
    });
  });

  describe('search', () => {
    let org: Org;
    let agent: User;
    const titles = (res: { body: { data: { title: string }[] } }) => res.body.data.map((l) => l.title);
    const search = (query: string) => t.http.get(`/v1/listings?${query}`).set(as(org.admin, org.id));

    beforeAll(async () => {
      org = await createOrg(t.http, 'Search');
      agent = await addMember(t.http, org, 'AGENT');
      const rows: Body[] = [
        {
          title: 'Alpha',
          address: '10 Mission St',
          city: 'San Francisco',
          state: 'CA',
          zipCode: '94103',
          price: '950000',
          bedrooms: 2,
          bathrooms: '1.5',
          squareFeet: 900,
          status: 'ACTIVE',
          propertyType: 'CONDO',
          listingDate: '2026-03-01',
          mlsNumber: 'SF-100',
          description: 'Bay views and a roof deck',
        },
        {
          title: 'Bravo',
          address: '20 Congress Ave',
          city: 'Austin',
          state: 'TX',
          zipCode: '78701',
          price: '450000',
          bedrooms: 3,
          bathrooms: '2',
          squareFeet: 1800,
          status: 'PENDING',
          propertyType: 'RESIDENTIAL',
          listingDate: '2026-05-01',
          assignedToId: agent.id,
        },
        {
          title: 'Charlie',
          address: '30 Lake Shore Dr',
          city: 'Chicago',
          state: 'IL',
          zipCode: '60601',
          price: '1500000',
          bedrooms: 5,
          bathrooms: '3.5',
          squareFeet: 4000,
          status: 'CONTINGENT',
          propertyType: 'LUXURY',
          listingDate: '2026-01-01',
          mlsNumber: 'CHI-7',
        },
        {
          title: 'Delta',
          address: '40 Valencia St',
          city: 'san francisco',
          state: 'ca',
          zipCode: '94110',
          price: '2500000',
          bedrooms: 4,
          bathrooms: '3',
          squareFeet: 2600,
          status: 'SOLD',
          propertyType: 'MULTI_FAMILY',
          description: '100% renovated, 50_50 split',
        },
      ];
      for (const row of rows) await createListing(org.admin, org.id, row);
      const gone = await createListing(org.admin, org.id, { title: 'Zulu deleted', city: 'Austin', price: '1' });
      await t.http.delete(`/v1/listings/${gone.id}`).set(as(org.admin, org.id)).expect(204);
    });

    it.each([
      ['status=ACTIVE', ['Alpha']],
      ['status=PENDING,SOLD', ['Bravo', 'Delta']],
      ['status=EXPIRED', []],
      ['standardStatus=Active%20Under%20Contract', ['Charlie']],
      ['standardStatus=Closed,Pending', ['Bravo', 'Delta']],
      ['standardStatus=Coming%20Soon', []],
      ['standardStatus=Active&status=PENDING', []],
      ['standardStatus=Active,Pending&status=PENDING', ['Bravo']],
      ['propertyType=CONDO,LUXURY', ['Alpha', 'Charlie']],
      ['propertyType=LAND', []],
      ['priceMin=950000', ['Alpha', 'Charlie', 'Delta']],
      ['priceMax=950000', ['Bravo', 'Alpha']],
      ['priceMin=950000.01&priceMax=2000000', ['Charlie']],
      ['priceMin=9000000', []],
      ['bedroomsMin=4', ['Charlie', 'Delta']],
      ['bedroomsMin=6', []],
      ['bathroomsMin=3', ['Charlie', 'Delta']],
      ['bathroomsMin=3.5', ['Charlie']],
      ['squareFeetMin=1800&squareFeetMax=2600', ['Bravo', 'Delta']],
      ['squareFeetMax=899', []],
      ['city=SAN%20FRANCISCO', ['Alpha', 'Delta']],
      ['city=Austin', ['Bravo']],
      ['city=San', []],
      ['state=ca', ['Alpha', 'Delta']],
      ['state=NY', []],
      ['zipCode=94110', ['Delta']],
      ['zipCode=9411', []],
      ['listingDateFrom=2026-02-01', ['Bravo', 'Alpha']],
      // [from, to): Alpha was listed on 2026-03-01 itself.
      ['listingDateTo=2026-03-01', ['Charlie']],
      ['listingDateTo=2026-03-02', ['Alpha', 'Charlie']],
      ['listingDateFrom=2026-03-01&listingDateTo=2026-03-02', ['Alpha']],
      ['listingDateFrom=2027-01-01', []],
      ['q=mission', ['Alpha']],
      ['q=BAY%20VIEWS', ['Alpha']],
      ['q=chi-7', ['Charlie']],
      ['q=charl', ['Charlie']],
      ['q=100%25', ['Delta']],
      ['q=50_50', ['Delta']],
      ['q=5_5', []],
      ['q=%25', ['Delta']],
      ['q=%25%25', []],
      ['q=nowhere', []],
    ])('filters by %s', async (query, expected) => {
      const res = await search(`${query}&sort=price`).expect(200);
      expect(titles(res)).toEqual(expected);
      expect(res.body.meta.total).toBe(expected.length);
    });

    it('filters by listing agent', async () => {
      expect(titles(await search(`assignedToId=${agent.id}`).expect(200))).toEqual(['Bravo']);
      expect(titles(await search(`assignedToId=${org.admin.id}`).expect(200))).toEqual([]);
    });

    it('sorts by price, listing date (nulls last), square feet and creation', async () => {
      expect(titles(await search('sort=-price').expect(200))).toEqual(['Delta', 'Charlie', 'Alpha', 'Bravo']);
      expect(titles(await search('sort=-listingDate').expect(200))).toEqual(['Bravo', 'Alpha', 'Charlie', 'Delta']);
      expect(titles(await search('sort=listingDate').expect(200))).toEqual(['Charlie', 'Alpha', 'Bravo', 'Delta']);
      expect(titles(await search('sort=-squareFeet').expect(200))).toEqual(['Charlie', 'Delta', 'Bravo', 'Alpha']);
      expect(titles(await search('sort=createdAt').expect(200))).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
      expect(titles(await search('').expect(200))).toEqual(['Delta', 'Charlie', 'Bravo', 'Alpha']);
    });

    it('paginates with the total of all matches', async () => {
      const p1 = await search('sort=price&pageSize=3').expect(200);
      expect(titles(p1)).toEqual(['Bravo', 'Alpha', 'Charlie']);
      expect(p1.body.meta).toEqual({ page: 1, pageSize: 3, total: 4, totalPages: 2 });
      const p2 = await search('sort=price&pageSize=3&page=2').expect(200);
      expect(titles(p2)).toEqual(['Delta']);
    });

    it.each([
      'status=LISTED',
      'standardStatus=active',
      'standardStatus=Sold',
      'propertyType=CASTLE',
      'priceMin=cheap',
      'bedroomsMin=-1',
      'bedroomsMin=two',
      'bathroomsMin=1.25',
      'squareFeetMin=1.5',
      'listingDateFrom=yesterday',
      'sort=bedrooms',
    ])('rejects %s with 400', async (query) => {
      const res = await search(query).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('tenant isolation', () => {
    it("gives org B 404 on every route for org A's listing, beside A's allowed control", async () => {
      const listing = await createListing(a.admin, a.id, { title: 'A only', mlsNumber: `ISO-${randomUUID()}` });
      const routes = [
        (h: Record<string, string>) => t.http.get(`/v1/listings/${listing.id}`).set(h),
        (h: Record<string, string>) => t.http.patch(`/v1/listings/${listing.id}`).set(h).send({ price: '1' }),
        (h: Record<string, string>) => t.http.get(`/v1/listings/${listing.id}/history`).set(h),
        (h: Record<string, string>) => t.http.get(`/v1/listings/${listing.id}/price-history`).set(h),
        (h: Record<string, string>) => t.http.get(`/v1/listings/${listing.id}/status-history`).set(h),
      ];
      for (const route of routes) {
        expect((await route(as(b.admin, b.id))).status).toBe(404);
        expect((await route(as(a.admin, a.id))).status).toBe(200);
      }
      await t.http.delete(`/v1/listings/${listing.id}`).set(as(b.admin, b.id)).expect(404);
      await t.http.delete(`/v1/listings/${listing.id}`).set(as(a.admin, a.id)).expect(204);
      await t.http.post(`/v1/listings/${listing.id}/restore`).set(as(b.admin, b.id)).expect(404);
      await t.http.post(`/v1/listings/${listing.id}/restore`).set(as(a.admin, a.id)).expect(200);
      const listB = await t.http
        .get('/v1/listings?pageSize=100&includeDeleted=true&q=a%20only')
        .set(as(b.admin, b.id))
        .expect(200);
      expect(ids(listB)).not.toContain(listing.id);
      const listA = await t.http.get('/v1/listings?pageSize=100&q=a%20only').set(as(a.admin, a.id)).expect(200);
      expect(ids(listA)).toContain(listing.id);
      // B's PATCH changed nothing, and its history has only A's own change.
      const history = await t.http.get(`/v1/listings/${listing.id}/history`).set(as(a.admin, a.id)).expect(200);
      expect(history.body.price.map((h: Body) => h.newPrice)).toEqual(['1.00', '500000.00']);
    });
  });
});
