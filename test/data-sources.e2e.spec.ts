import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKGROUND } from './helpers/app.js';
import { addMember, as, type User, twoOrganizations } from './helpers/fixtures.js';
import { waitForImport } from './helpers/imports.js';
import { baseUrlOf } from './helpers/net.js';

const AUTH = 'Bearer portal-token-7c1e2d3fa9f2';
const CLIENT_SECRET = 'reso-client-secret-5b6c7d8e';

interface Listing {
  ListingKey: string;
  ListingId: string;
  UnparsedAddress: string;
  City: string;
  StateOrProvince: string;
  PostalCode: string;
  ListPrice: number;
  BedroomsTotal: number;
  ModificationTimestamp: string;
}
const listing = (n: number, modified: string): Listing => ({
  ListingKey: `K${n}`,
  ListingId: `MLS-${n}`,
  UnparsedAddress: `${n} Ocean Ave`,
  City: 'Santa Cruz',
  StateOrProvince: 'CA',
  PostalCode: '95060',
  ListPrice: 900000 + n,
  BedroomsTotal: 3,
  ModificationTimestamp: modified,
});

/** A portal's JSON API (page numbers, next links) and an MLS's RESO Web API with its token endpoint. */
function startMock(): Promise<{ server: Server; url: string; requests: string[]; listings: Listing[] }> {
  const requests: string[] = [];
  const listings: Listing[] = [
    listing(1, '2026-11-01T10:00:00Z'),
    listing(2, '2026-11-02T10:00:00Z'),
    listing(3, '2026-11-03T10:00:00Z'),
  ];
  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => resolve(text));
    });
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      if (url.pathname === '/api/leads') {
        if (req.headers.authorization !== AUTH) return send(401, { error: 'unauthorized' });
        const page = Number(url.searchParams.get('page'));
        const people = page <= 2 ? [1, 2, 3].slice(0, page === 1 ? 3 : 2).map((i) => `p${page}-${i}`) : [];
        return send(200, {
          data: people.map((p) => ({
            contact: { fullName: `Portal ${p}`, email: `${p}@portal.example` },
            source: 'PARTNER',
          })),
        });
      }
      if (url.pathname === '/next/leads') {
        const cursor = url.searchParams.get('cursor') ?? '1';
        return send(200, {
          items: [{ name: `Next ${cursor}`, email: `next-${cursor}@portal.example` }],
          links: { next: cursor === '1' ? '/next/leads?cursor=2' : null },
        });
      }
      if (url.pathname === '/oauth/token' && req.method === 'POST') {
        const form = new URLSearchParams(await body(req));
        if (form.get('grant_type') !== 'client_credentials' || form.get('client_secret') !== CLIENT_SECRET)
          return send(401, { error: 'invalid_client' });
        return send(200, { access_token: 'mls-access-token', token_type: 'bearer', expires_in: 3600 });
      }
      if (url.pathname === '/reso/odata/Property') {
        if (req.headers.authorization !== 'Bearer mls-access-token') return send(401, {});
        const filter = /ModificationTimestamp gt (\S+)/.exec(url.searchParams.get('$filter') ?? '')?.[1];
        const skip = Number(url.searchParams.get('$skip') ?? 0);
        const top = Number(url.searchParams.get('$top'));
        const matching = listings.filter((l) => !filter || Date.parse(l.ModificationTimestamp) > Date.parse(filter));
        const pageSize = Math.min(top, 2); // the server pages by 2, whatever $top asks
        const value = matching.slice(skip, skip + pageSize);
        const next =
          skip + pageSize < matching.length
            ? `/reso/odata/Property?$skip=${skip + pageSize}&$top=${top}${filter ? `&$filter=${encodeURIComponent(`ModificationTimestamp gt ${filter}`)}` : ''}`
            : undefined;
        return send(200, { '@odata.context': '$metadata#Property', value, ...(next && { '@odata.nextLink': next }) });
      }
      send(404, {});
    })();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: baseUrlOf(server), requests, listings })),
  );
}

describe('data sources', () => {
  const { t, a, b } = twoOrganizations({ ...BACKGROUND, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  let mock: Awaited<ReturnType<typeof startMock>>;
  let manager: User;
  let agent: User;
  beforeAll(async () => {
    mock = await startMock();
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
  });
  afterAll(() => new Promise<void>((resolve) => mock.server.close(() => resolve())));

  const jsonApi = (extra: Record<string, unknown> = {}) => ({
    name: 'Portal feed',
    type: 'JSON_API',
    settings: {
      url: `${mock.url}/api/leads`,
      recordsPath: 'data',
      pagination: { type: 'page' },
      mapping: { 'contact.fullName': 'name', 'contact.email': 'email', source: 'source' },
    },
    credentials: { authHeader: AUTH },
    ...extra,
  });
  const create = async (body: Record<string, unknown>, user = manager) =>
    (await t.http.post('/v1/data-sources').set(as(user, a.id)).send(body).expect(201)).body;
  const runImport = async (body: Record<string, unknown>) => {
    const created = await t.http.post('/v1/imports').set(as(manager, a.id)).send(body).expect(201);
    await t.http.post(`/v1/imports/${created.body.id}/start`).set(as(manager, a.id)).expect(200);
    return waitForImport(t.http, manager, a.id, created.body.id);
  };

  it('encrypts credentials at rest and never returns them: only hasCredentials and the last four characters', async () => {
    const source = await create(jsonApi());
    expect(source).toMatchObject({
      type: 'JSON_API',
      target: 'leads',
      hasCredentials: true,
      credentialsHint: 'a9f2',
      inboundPath: null,
    });
    expect(source.settings.url).toBe(`${mock.url}/api/leads`);
    const answers = [
      source,
      (await t.http.get(`/v1/data-sources/${source.id}`).set(as(manager, a.id)).expect(200)).body,
      (await t.http.get('/v1/data-sources').set(as(manager, a.id)).expect(200)).body,
      (await t.http.patch(`/v1/data-sources/${source.id}`).set(as(manager, a.id)).send({ name: 'Renamed' }).expect(200))
        .body,
    ];
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain('portal-token');
    const [raw] = await t.db.admin.query<{ credentials: Uint8Array }>(
      'SELECT credentials FROM data_sources WHERE id = $1',
      [source.id],
    );
    const bytes = Buffer.from(raw.credentials);
    expect(bytes.length).toBeGreaterThan(28);
    expect(bytes.toString('latin1')).not.toContain('portal-token');
    expect(bytes.toString('latin1')).not.toContain('authHeader');
    const audit = await t.db.admin.query<{ changes: unknown }>('SELECT changes FROM audit_log WHERE record_id = $1', [
      source.id,
    ]);
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain('portal-token');
    // Replacing the credentials re-encrypts them (a fresh IV): the stored bytes change.
    await t.http
      .patch(`/v1/data-sources/${source.id}`)
      .set(as(manager, a.id))
      .send({ credentials: { authHeader: AUTH } })
      .expect(200);
    const [again] = await t.db.admin.query<{ credentials: Uint8Array }>(
      'SELECT credentials FROM data_sources WHERE id = $1',
      [source.id],
    );
    expect(Buffer.from(again.credentials).equals(bytes)).toBe(false);
  });

  it('validates settings and credentials per type, with 400 details, and applies the SSRF rules', async () => {
    const noUrl = await t.http
      .post('/v1/data-sources')
      .set(as(manager, a.id))
      .send({ name: 'X', type: 'JSON_API', settings: {} })
      .expect(400);
    expect(noUrl.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'settings.url' })]));
    const noSecret = await t.http
      .post('/v1/data-sources')
      .set(as(manager, a.id))
      .send({
        name: 'MLS',
        type: 'RESO_WEB_API',
        settings: { baseUrl: `${mock.url}/reso/odata`, tokenUrl: `${mock.url}/oauth/token`, clientId: 'crm' },
      })
      .expect(400);
    expect(noSecret.body.details).toEqual([expect.objectContaining({ field: 'credentials.clientSecret' })]);
    const csvSecret = await t.http
      .post('/v1/data-sources')
      .set(as(manager, a.id))
      .send({ name: 'CSV', type: 'CSV', credentials: { x: 'y' } })
      .expect(400);
    expect(csvSecret.body.details).toEqual([expect.objectContaining({ field: 'credentials', code: 'NOT_ALLOWED' })]);
    const metadata = await t.http
      .post('/v1/data-sources')
      .set(as(manager, a.id))
      .send(jsonApi({ settings: { url: 'http://169.254.169.254/latest/meta-data' } }))
      .expect(400);
    expect(metadata.body.details).toEqual([expect.objectContaining({ field: 'settings.url', code: 'NOT_ALLOWED' })]);
    await t.http.post('/v1/data-sources').set(as(manager, a.id)).send({ name: 'X', type: 'FTP' }).expect(400);
  });

  it('tests a source: ok with the first page, or why not', async () => {
    const source = await create(jsonApi());
    const ok = await t.http.post(`/v1/data-sources/${source.id}/test`).set(as(manager, a.id)).expect(200);
    expect(ok.body).toEqual({
      ok: true,
      message: 'HTTP 200: 3 records on the first page',
      sampleFields: ['contact', 'source'],
    });
    const wrong = await create(jsonApi({ credentials: { authHeader: 'Bearer wrong-token-000000' } }));
    const denied = await t.http.post(`/v1/data-sources/${wrong.id}/test`).set(as(manager, a.id)).expect(200);
    expect(denied.body).toMatchObject({ ok: false, message: 'HTTP 401' });
    expect(JSON.stringify(denied.body)).not.toContain('wrong-token');
  });

  it('imports a paginated JSON API (page numbers) into leads and updates the source metrics', async () => {
    const source = await create(jsonApi());
    const done = await runImport({ dataSourceId: source.id });
    expect(done).toMatchObject({
      status: 'completed',
      target: 'leads',
      dataSourceId: source.id,
      progress: { rowsRead: 5, created: 5, failed: 0 },
    });
    const pages = mock.requests.filter((r) => r.startsWith('GET /api/leads?page='));
    expect(pages.slice(-3)).toEqual(['GET /api/leads?page=1', 'GET /api/leads?page=2', 'GET /api/leads?page=3']);
    const leads = await t.http.get('/v1/leads?q=Portal%20p&pageSize=100').set(as(manager, a.id)).expect(200);
    expect(leads.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Portal p2-2', email: 'p2-2@portal.example', source: 'PARTNER' }),
      ]),
    );
    const after = await t.http.get(`/v1/data-sources/${source.id}`).set(as(manager, a.id)).expect(200);
    expect(after.body.metrics).toMatchObject({ rowsImported: 5, failures: 0, lastRunAt: expect.any(String) });
  });

  it('follows next links', async () => {
    const source = await create({
      name: 'Next-link feed',
      type: 'JSON_API',
      settings: {
        url: `${mock.url}/next/leads`,
        recordsPath: 'items',
        pagination: { type: 'next', nextPath: 'links.next' },
        mapping: { name: 'name', email: 'email' },
      },
    });
    expect(source.hasCredentials).toBe(false);
    const done = await runImport({ dataSourceId: source.id });
    expect(done.progress).toMatchObject({ rowsRead: 2, created: 2 });
  });

  it('syncs an MLS over the RESO Web API: OAuth2 client credentials, @odata.nextLink, then incrementally', async () => {
    const source = await create({
      name: 'MLS',
      type: 'RESO_WEB_API',
      settings: { baseUrl: `${mock.url}/reso/odata`, tokenUrl: `${mock.url}/oauth/token`, clientId: 'brokerage-crm' },
      credentials: { clientSecret: CLIENT_SECRET },
    });
    expect(source).toMatchObject({ target: 'listings', credentialsHint: '7d8e' });
    const test = await t.http.post(`/v1/data-sources/${source.id}/test`).set(as(manager, a.id)).expect(200);
    expect(test.body).toMatchObject({
      ok: true,
      sampleFields: expect.arrayContaining(['ListingId', 'ModificationTimestamp']),
    });

    const first = await runImport({ dataSourceId: source.id });
    expect(first).toMatchObject({ status: 'completed', target: 'listings', progress: { rowsRead: 3, created: 3 } });
    const listings = await t.http.get('/v1/listings?q=Ocean&pageSize=100').set(as(manager, a.id)).expect(200);
    expect(listings.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          mlsNumber: 'MLS-2',
          title: '2 Ocean Ave, Santa Cruz',
          price: '900002.00',
          city: 'Santa Cruz',
          zipCode: '95060',
        }),
      ]),
    );
    const synced = await t.http.get(`/v1/data-sources/${source.id}`).set(as(manager, a.id)).expect(200);
    expect(synced.body.metrics).toMatchObject({ lastSyncAt: '2026-11-03T10:00:00.000Z', rowsImported: 3 });
    expect(mock.requests.filter((r) => r.startsWith('GET /reso/odata/Property')).length).toBeGreaterThanOrEqual(3); // test + 2 pages

    // A listing changes at the MLS: the next sync asks only for what changed since the last one.
    mock.listings.push({ ...listing(2, '2026-11-05T09:00:00Z'), ListPrice: 850000 });
    mock.requests.length = 0;
    const second = await runImport({ dataSourceId: source.id, duplicatePolicy: 'update' });
    expect(second.progress).toMatchObject({ rowsRead: 1, updated: 1, created: 0 });
    expect(decodeURIComponent(mock.requests.find((r) => r.includes('/Property'))!)).toContain(
      '$filter=ModificationTimestamp gt 2026-11-03T10:00:00.000Z',
    );
    const updated = await t.http.get('/v1/listings?q=2%20Ocean').set(as(manager, a.id)).expect(200);
    expect(updated.body.data[0].price).toBe('850000.00');
  });

  it('refuses an import of a source whose type has no job, and a mapping to unknown fields', async () => {
    const csv = await create({ name: 'Uploads', type: 'CSV' });
    const res = await t.http.post('/v1/imports').set(as(manager, a.id)).send({ dataSourceId: csv.id }).expect(400);
    expect(res.body.details[0]).toMatchObject({ field: 'dataSourceId' });
    const api = await create(jsonApi());
    const bad = await t.http
      .post('/v1/imports')
      .set(as(manager, a.id))
      .send({ dataSourceId: api.id, mapping: { x: 'nope' } })
      .expect(400);
    expect(bad.body.details[0]).toMatchObject({ field: 'mapping.x' });
  });

  describe('access', () => {
    it('ADMINs and MANAGERs; AGENTs get 403', async () => {
      const source = await create(jsonApi(), a.admin);
      await t.http.get('/v1/data-sources').set(as(agent, a.id)).expect(403);
      await t.http.get(`/v1/data-sources/${source.id}`).set(as(agent, a.id)).expect(403);
      await t.http.post('/v1/data-sources').set(as(agent, a.id)).send(jsonApi()).expect(403);
      await t.http.post(`/v1/data-sources/${source.id}/test`).set(as(agent, a.id)).expect(403);
      await t.http.get(`/v1/data-sources/${source.id}`).set(as(manager, a.id)).expect(200);
    });

    it("another organization's source is 404 on every route and cannot be imported from (its own: allowed)", async () => {
      const source = await create(jsonApi());
      const path = `/v1/data-sources/${source.id}`;
      await t.http.get(path).set(as(b.admin, b.id)).expect(404);
      await t.http.patch(path).set(as(b.admin, b.id)).send({ name: 'Mine now' }).expect(404);
      await t.http.post(`${path}/test`).set(as(b.admin, b.id)).expect(404);
      await t.http.delete(path).set(as(b.admin, b.id)).expect(404);
      await t.http.post('/v1/imports').set(as(b.admin, b.id)).send({ dataSourceId: source.id }).expect(404);
      const listB = await t.http.get('/v1/data-sources').set(as(b.admin, b.id)).expect(200);
      expect(listB.body.data).toEqual([]);
      await t.http.get(path).set(as(a.admin, a.id)).expect(200);
      await t.http.get(`/v1/data-sources/${randomUUID()}`).set(as(a.admin, a.id)).expect(404);
      await t.http.delete(path).set(as(a.admin, a.id)).expect(204);
      await t.http.get(path).set(as(a.admin, a.id)).expect(404);
    });
  });
});
