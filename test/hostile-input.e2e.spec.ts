// Issue 12, defects 3, 6 and 7: input that used to answer 500 (or be accepted) gets the
// documented 400/415, naming the field; every refusal is paired with an accepted control.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootApp, type TestApp } from './helpers/app.js';
import { as, createLead, createOrg, type Org } from './helpers/fixtures.js';
import { createContact, createDeal, createListing } from './helpers/records.js';
import { createTicket } from './helpers/tickets.js';

type Res = { status: number; body: any; headers: Record<string, any> };

/** The documented 400: the error shape, the field named, a code, no stack. */
function expect400(res: Res, field: string | RegExp, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
  const detail = res.body.details?.[0];
  expect(detail).toEqual({ field: expect.stringMatching(field), message: expect.any(String), code });
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+|RangeError|stack/);
}

const deepArray = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObject = (levels: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('hostile input', () => {
  let t: TestApp;
  let a: Org;
  let raw: (method: 'post' | 'patch', path: string, body: string) => Promise<Res>;

  beforeAll(async () => {
    t = await bootApp();
    a = await createOrg(t.http, 'A');
    raw = (method, path, body) =>
      t.http[method](path)
        .set(as(a.admin))
        .set('content-type', 'application/json')
        .send(body) as unknown as Promise<Res>;
  });
  afterAll(() => t.close());

  describe('deeply nested JSON', () => {
    it('answers a 5,000-deep array body with 400 TOO_DEEP on every route that used to fail', async () => {
      const contact = await createContact(t.http, a.admin, a.id);
      const ticket = await createTicket(t.http, a.admin, a.id);
      const share = await t.http.post(`/v1/tickets/${ticket.id}/share`).set(as(a.admin)).send({}).expect(201);
      const routes: ['post' | 'patch', string][] = [
        ['patch', `/v1/contacts/${contact.id}`],
        ['post', '/v1/activities'],
        ['post', `/v1/tickets/${ticket.id}/transition`],
        ['post', `/v1/public/tickets/${share.body.token}/comments`],
      ];
      for (const [method, path] of routes) {
        expect400(await raw(method, path, deepArray(5000)), /^(\[0\])+$/, 'TOO_DEEP');
      }
      // Control: the same routes take a normal body.
      await raw('patch', `/v1/contacts/${contact.id}`, JSON.stringify({ notes: 'ok' })).then((r) =>
        expect(r.status).toBe(200),
      );
      await raw('post', `/v1/tickets/${ticket.id}/transition`, JSON.stringify({ to: 'IN_PROGRESS' })).then((r) =>
        expect(r.status).toBe(200),
      );
    });

    it('refuses customFields nested 1,500 levels, naming the path, and keeps nothing of it', async () => {
      const res = await raw('post', '/v1/leads', JSON.stringify({ name: 'Deep', customFields: deepObject(1500) }));
      expect400(res, /^customFields(\.a)+$/, 'TOO_DEEP');
      const rows = await t.db.admin.query("SELECT 1 FROM leads WHERE name = 'Deep'");
      expect(rows).toHaveLength(0);
      // Control: a few levels are fine.
      const ok = await createLead(t.http, a.admin, a.id, { name: 'Shallow', customFields: deepObject(5) as object });
      expect(ok.customFields).toEqual(deepObject(5));
    });

    it('stops reading at the limit: a 1 MB body of brackets is refused without being parsed', async () => {
      const res = await raw('post', '/v1/leads', deepArray(500_000));
      expect400(res, /^(\[0\])+$/, 'TOO_DEEP');
    });
  });

  describe('NUL characters', () => {
    it.each(['leads', 'contacts', 'deals', 'listings', 'tickets'])(
      'refuses %00 in the q of /v1/%s',
      async (resource) => {
        expect400(await t.http.get(`/v1/${resource}?q=%00`).set(as(a.admin)), 'q', 'INVALID_CHARACTER');
        await t.http.get(`/v1/${resource}?q=ok`).set(as(a.admin)).expect(200);
      },
    );

    it('refuses %00 in any query parameter or path segment', async () => {
      expect400(await t.http.get('/v1/activities?type=CALL%00').set(as(a.admin)), 'type', 'INVALID_CHARACTER');
      expect400(await t.http.get('/v1/public/tickets/abc%00def').set(as(a.admin)), 'token', 'INVALID_CHARACTER');
    });

    it('refuses \\u0000 in a body string or key, naming the field', async () => {
      expect400(await raw('post', '/v1/leads', '{"name":"a\\u0000b"}'), 'name', 'INVALID_CHARACTER');
      expect400(await raw('post', '/v1/leads', '{"name":"x","tags":["ok","b\\u0000"]}'), 'tags', 'INVALID_CHARACTER');
      expect400(
        await raw('post', '/v1/leads', '{"name":"x","customFields":{"k\\u0000":1}}'),
        'customFields',
        'INVALID_CHARACTER',
      );
      // Control: an escaped backslash before u0000 is six ordinary characters.
      const literal = await raw('post', '/v1/leads', '{"name":"a\\\\u0000b"}');
      expect(literal.status).toBe(201);
      expect(literal.body.name).toBe('a\\u0000b');
    });
  });

  describe('dates', () => {
    it.each([
      ['0000-01-01', 'OUT_OF_RANGE'],
      ['1899-12-31T23:59:59Z', 'OUT_OF_RANGE'],
      ['2201-01-01', 'OUT_OF_RANGE'],
      ['+275760-09-13T00:00:00Z', 'INVALID_FORMAT'],
      ['10000-01-01', 'INVALID_FORMAT'],
    ])('refuses createdFrom=%s with 400 %s naming it', async (value, code) => {
      const res = await t.http.get(`/v1/leads?createdFrom=${encodeURIComponent(value)}`).set(as(a.admin));
      expect400(res, 'createdFrom', code);
    });

    it('refuses out-of-range dates in bodies: instants and calendar dates', async () => {
      const deal = await createDeal(t.http, a.admin, a.id);
      expect400(
        await raw('patch', `/v1/deals/${deal.id}`, JSON.stringify({ expectedCloseDate: '0000-01-01' })),
        'expectedCloseDate',
        'OUT_OF_RANGE',
      );
      expect400(
        await raw(
          'post',
          '/v1/appointments',
          JSON.stringify({ title: 'x', startsAt: '+275760-09-13T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' }),
        ),
        'startsAt',
        'INVALID_FORMAT',
      );
      expect400(
        await raw(
          'post',
          '/v1/listings',
          JSON.stringify({
            title: 'x',
            address: 'a',
            city: 'c',
            state: 's',
            zipCode: 'z',
            price: '1',
            listingDate: '2027-02-30',
          }),
        ),
        'listingDate',
        'INVALID_FORMAT',
      );
      // A date-time without its offset is ambiguous.
      expect400(
        await t.http.get('/v1/leads?createdFrom=2026-01-01T10:00:00').set(as(a.admin)),
        'createdFrom',
        'INVALID_FORMAT',
      );
      // Controls.
      await raw('patch', `/v1/deals/${deal.id}`, JSON.stringify({ expectedCloseDate: '2027-03-31' })).then((r) =>
        expect(r.body.expectedCloseDate).toBe('2027-03-31'),
      );
      await t.http.get('/v1/leads?createdFrom=2026-01-01T10:00:00%2B02:00').set(as(a.admin)).expect(200);
      await t.http.get('/v1/leads?createdFrom=1900-01-01').set(as(a.admin)).expect(200);
    });
  });

  describe('URLs and media types', () => {
    it('answers a malformed URL with the error shape and a request id', async () => {
      const res = (await t.http.get('/v1/leads/%ZZ').set(as(a.admin))) as unknown as Res;
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        requestId: res.headers['x-request-id'],
      });
    });

    it('refuses form-encoded bodies with 415 and creates nothing', async () => {
      const res = await t.http
        .post('/v1/leads')
        .set(as(a.admin))
        .set('content-type', 'application/x-www-form-urlencoded')
        .send('name=Form+Lead');
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await t.db.admin.query("SELECT 1 FROM leads WHERE name = 'Form Lead'")).toHaveLength(0);
      // Control: the same as JSON.
      await t.http.post('/v1/leads').set(as(a.admin)).send({ name: 'Form Lead' }).expect(201);
    });
  });

  describe('q is a literal substring on every list', () => {
    it.each([
      ['leads', (name: string) => createLead(t.http, a.admin, a.id, { name })],
      ['contacts', (name: string) => createContact(t.http, a.admin, a.id, { name })],
      ['deals', (title: string) => createDeal(t.http, a.admin, a.id, { title })],
      ['listings', (title: string) => createListing(t.http, a.admin, a.id, { title })],
      ['tickets', (title: string) => createTicket(t.http, a.admin, a.id, { title })],
    ] as const)('%s: %25 and _ match themselves, not everything', async (resource, create) => {
      const tag = resource.slice(0, 4);
      const percent = await create(`${tag} 100% sure`);
      const underscore = await create(`${tag} snake_case`);
      const plain = await create(`${tag} 100 percent`);
      const ids = async (q: string) =>
        (
          await t.http
            .get(`/v1/${resource}?q=${encodeURIComponent(q)}&pageSize=100`)
            .set(as(a.admin))
            .expect(200)
        ).body.data.map((r: { id: string }) => r.id);
      expect(await ids('%')).toEqual([percent.id]);
      expect(await ids('_')).toEqual([underscore.id]);
      expect(await ids(`${tag} 100`)).toEqual(expect.arrayContaining([percent.id, plain.id]));
      expect(await ids(`${tag} \\`)).toEqual([]);
    });
  });
});
