import { beforeAll, describe, expect, it } from '@jest/globals';
import { BACKGROUND } from './helpers/app.js';
import { addMember, as, type User, twoOrganizations } from './helpers/fixtures.js';
import { uploadImport, waitForImport } from './helpers/imports.js';

const CONTACT_MAPPING = { Name: 'name', Email: 'email', Type: 'type', Tags: 'tags' };
const LISTING_MAPPING = {
  MLS: 'mlsNumber',
  Title: 'title',
  Street: 'address',
  City: 'city',
  State: 'state',
  Zip: 'zipCode',
  Price: 'price',
  Beds: 'bedrooms',
  Listed: 'listingDate',
  Expires: 'expirationDate',
};

describe('CSV imports of contacts and listings', () => {
  const { t, a } = twoOrganizations({ ...BACKGROUND, IMPORT_BATCH_SIZE: '3' });
  let manager: User;
  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
  });

  async function runImport(csv: string, fields: Record<string, unknown>): Promise<Record<string, any>> {
    const created = await uploadImport(t.http, manager, a.id, csv, fields).expect(201);
    await t.http.post(`/v1/imports/${created.body.id}/start`).set(as(manager, a.id)).expect(200);
    return waitForImport(t.http, manager, a.id, created.body.id);
  }
  const errorsOf = async (id: string) =>
    (await t.http.get(`/v1/imports/${id}/errors`).set(as(manager, a.id)).expect(200)).body.data;

  it("contacts: created with the create route's rules, duplicates by case-insensitive email", async () => {
    const csv = [
      'Name,Email,Type,Tags',
      'Carla Client,carla@example.com,CLIENT,vip;buyer',
      'Carla Again,CARLA@example.com,CLIENT,',
      'Bad Type,bt@example.com,ROBOT,',
      'Vendor Vic,vic@example.com,VENDOR,',
    ].join('\n');
    const first = await runImport(csv, { target: 'contacts', mapping: CONTACT_MAPPING, duplicatePolicy: 'skip' });
    expect(first).toMatchObject({ status: 'completed', progress: { rowsRead: 4, created: 2, skipped: 1, failed: 1 } });
    expect(await errorsOf(first.id)).toEqual([{ row: 4, field: 'type', message: expect.any(String) }]);
    const list = await t.http.get('/v1/contacts?q=carla').set(as(manager, a.id)).expect(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({ name: 'Carla Client', type: 'CLIENT', tags: ['vip', 'buyer'] }),
    ]);

    const updated = await runImport(csv, { target: 'contacts', mapping: CONTACT_MAPPING, duplicatePolicy: 'update' });
    expect(updated.progress).toMatchObject({ created: 0, updated: 3, failed: 1 });
    const after = await t.http.get('/v1/contacts?q=carla').set(as(manager, a.id)).expect(200);
    expect(after.body.data).toEqual([expect.objectContaining({ name: 'Carla Again' })]);

    // A second live contact cannot hold the email: `create` fails those rows, nothing else.
    const created = await runImport(csv, { target: 'contacts', mapping: CONTACT_MAPPING, duplicatePolicy: 'create' });
    expect(created.progress).toMatchObject({ created: 0, failed: 4 });
    expect((await errorsOf(created.id)).filter((e: any) => e.field === 'email')).toHaveLength(3);
  });

  it('listings: duplicates by MLS number, dates and money checked as the API checks them', async () => {
    const csv = [
      'MLS,Title,Street,City,State,Zip,Price,Beds,Listed,Expires',
      'ML-100,Sunny bungalow,1 Main St,Austin,TX,78701,450000.00,3,2026-11-01,2027-05-01',
      'ML-101,Loft,2 Main St,Austin,TX,78701,not-money,1,,',
      'ML-102,Backwards,3 Main St,Austin,TX,78701,300000,2,2027-05-01,2026-11-01',
      'ML-100,Sunny bungalow (reduced),1 Main St,Austin,TX,78701,440000.00,3,2026-11-01,2027-05-01',
      ',No MLS,4 Main St,Austin,TX,78701,250000,2,,',
    ].join('\n');
    const first = await runImport(csv, { target: 'listings', mapping: LISTING_MAPPING, duplicatePolicy: 'skip' });
    expect(first).toMatchObject({ status: 'completed', progress: { rowsRead: 5, created: 2, skipped: 1, failed: 2 } });
    expect(await errorsOf(first.id)).toEqual([
      { row: 3, field: 'price', message: expect.any(String) },
      { row: 4, field: 'expirationDate', message: 'must not be before listingDate' },
    ]);
    const one = await t.http.get('/v1/listings?q=bungalow').set(as(manager, a.id)).expect(200);
    expect(one.body.data).toEqual([
      expect.objectContaining({ mlsNumber: 'ML-100', price: '450000.00', bedrooms: 3, listingDate: '2026-11-01' }),
    ]);

    const updated = await runImport(csv, { target: 'listings', mapping: LISTING_MAPPING, duplicatePolicy: 'update' });
    expect(updated.progress).toMatchObject({ created: 1, updated: 2, failed: 2 });
    const reduced = await t.http.get('/v1/listings?q=bungalow').set(as(manager, a.id)).expect(200);
    expect(reduced.body.data).toEqual([
      expect.objectContaining({ title: 'Sunny bungalow (reduced)', price: '440000.00' }),
    ]);
  });

  it('refuses a mapping to a field the target does not have', async () => {
    const res = await uploadImport(t.http, manager, a.id, 'Name\nX\n', {
      target: 'contacts',
      mapping: { Name: 'title' },
    }).expect(400);
    expect(res.body.details[0]).toMatchObject({
      field: 'mapping.Name',
      message: expect.stringContaining('contacts have no field title'),
    });
  });
});
