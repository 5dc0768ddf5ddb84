import { request as httpRequest, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { LeadsRepository } from '../src/leads/leads.repository.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { addMember, as, createLead, createOrg, twoOrganizations } from './helpers/fixtures.js';
import { baseUrlOf } from './helpers/net.js';
import { createContact, createDeal, createListing } from './helpers/records.js';

/** The body as text, whatever its media type (supertest leaves NDJSON unparsed). */
const asText = ((res: IncomingMessage, done: (error: Error | null, body: unknown) => void) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => done(null, body));
  // supertest's own parser type names superagent's response; it is a Node IncomingMessage.
}) as unknown as Parameters<ReturnType<TestAgent['get']>['parse']>[0];

/** RFC 4180: quoted fields may hold commas, CRLF and doubled quotes; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || record.length) throw new Error('CSV does not end with CRLF');
  return records;
}

const ndjson = (text: string): Record<string, unknown>[] => {
  expect(text.endsWith('\n') || text === '').toBe(true);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

async function exportText(http: TestAgent, path: string, headers: Record<string, string>, status = 200) {
  const res = await http.get(path).set(headers).buffer(true).parse(asText);
  res.text = res.body as string;
  expect(res.status).toBe(status);
  return res;
}

async function listAll(http: TestAgent, path: string, headers: Record<string, string>): Promise<any[]> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await http.get(`${path}${sep}pageSize=100`).set(headers).expect(200);
  expect(res.body.meta.total).toBeLessThanOrEqual(100);
  return res.body.data;
}

/** GET on the listening app, resolving with the response once its headers are in. */
function rawGet(t: { app: { getHttpServer(): any } }, path: string, headers: Record<string, string>) {
  const url = `${baseUrlOf(t.app.getHttpServer())}${path}`;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(url, { headers }, resolve);
    req.on('error', reject);
    req.end();
  });
}

describe('record exports (GET /v1/exports/{resource}.{csv|ndjson})', () => {
  const { t, a, b } = twoOrganizations();

  it('streams leads as RFC 4180 CSV: header of the API field names, quoting, formulas neutralised', async () => {
    const tricky = [
      'Comma, Inc',
      'Say "hello"',
      'Two\r\nlines',
      '=HYPERLINK("http://evil","x")',
      '+1 415',
      '-2',
      '@SUM(A1)',
    ];
    const made = [];
    for (const name of tricky) made.push(await createLead(t.http, a.admin, a.id, { name, tags: ['csv', 'x,y'] }));
    const res = await exportText(t.http, '/v1/exports/leads.csv?tag=csv&sort=createdAt', as(a.admin, a.id));
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?leads-\d{4}-\d{2}-\d{2}\.csv"?/);
    const [header, ...rows] = parseCsv(res.text);
    const list = await listAll(t.http, '/v1/leads?tag=csv&sort=createdAt', as(a.admin, a.id));
    expect(header).toEqual(Object.keys(list[0]));
    expect(rows.map((r) => r[0])).toEqual(made.map((l) => l.id));
    const names = rows.map((r) => r[header.indexOf('name')]);
    expect(names).toEqual([
      'Comma, Inc',
      'Say "hello"',
      'Two\r\nlines',
      `'=HYPERLINK("http://evil","x")`,
      "'+1 415",
      "'-2",
      "'@SUM(A1)",
    ]);
    expect(rows[0][header.indexOf('tags')]).toBe('["csv","x,y"]');
    expect(rows[0][header.indexOf('scoreValue')]).toBe(String(list[0].scoreValue));
    expect(rows[0][header.indexOf('assignedToId')]).toBe('');
  });

  it('NDJSON lines are the list items themselves, with the same filters, q and sort', async () => {
    await createLead(t.http, a.admin, a.id, { name: 'Filter Alpha', status: 'NEW_LEAD', source: 'WEBSITE' });
    await createLead(t.http, a.admin, a.id, { name: 'Filter Beta', status: 'NEW_LEAD', source: 'REFERRAL' });
    await createLead(t.http, a.admin, a.id, { name: 'Filter Gamma', status: 'NEW_LEAD', source: 'WEBSITE' });
    for (const query of ['q=filter&source=WEBSITE&sort=-name', 'q=filter&sort=name', 'status=NEW_LEAD&tag=csv']) {
      const list = await listAll(t.http, `/v1/leads?${query}`, as(a.admin, a.id));
      const res = await exportText(t.http, `/v1/exports/leads.ndjson?${query}`, as(a.admin, a.id));
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
      expect(ndjson(res.text)).toEqual(list);
    }
  });

  it('contacts, deals and listings export what their lists return, filters and sort included', async () => {
    const contact = await createContact(t.http, a.admin, a.id, { name: 'Export Contact', type: 'CLIENT' });
    await createContact(t.http, a.admin, a.id, { name: 'Other Contact', type: 'VENDOR' });
    await createDeal(t.http, a.admin, a.id, { title: 'Export Deal A', contactId: contact.id, value: '100.00' });
    await createDeal(t.http, a.admin, a.id, {
      title: 'Export Deal B',
      value: '900.00',
      expectedCloseDate: '2027-03-31',
    });
    await createListing(t.http, a.admin, a.id, { title: 'Export Listing', city: 'Oakland', bedrooms: 3 });
    await createListing(t.http, a.admin, a.id, { title: 'Other Listing', city: 'Berkeley', bedrooms: 1 });
    const cases = [
      ['contacts', 'type=CLIENT'],
      ['contacts', 'sort=name'],
      ['deals', 'q=export&sort=-value'],
      ['deals', 'sort=expectedCloseDate'],
      ['deals', `contactId=${contact.id}`],
      ['listings', 'bedroomsMin=2&sort=price'],
      ['listings', 'city=berkeley'],
    ];
    for (const [resource, query] of cases) {
      const list = await listAll(t.http, `/v1/${resource}?${query}`, as(a.admin, a.id));
      expect(list.length).toBeGreaterThan(0);
      const json = await exportText(t.http, `/v1/exports/${resource}.ndjson?${query}`, as(a.admin, a.id));
      expect(ndjson(json.text)).toEqual(list);
      const csv = await exportText(t.http, `/v1/exports/${resource}.csv?${query}`, as(a.admin, a.id));
      const [header, ...rows] = parseCsv(csv.text);
      expect(header).toEqual(Object.keys(list[0]));
      expect(rows.map((r) => r[0])).toEqual(list.map((x) => x.id));
    }
  });

  it('an empty export is its header alone (CSV) or nothing (NDJSON)', async () => {
    const csv = await exportText(t.http, '/v1/exports/leads.csv?q=no-such-lead-anywhere', as(a.admin, a.id));
    expect(parseCsv(csv.text)).toHaveLength(1);
    const json = await exportText(t.http, '/v1/exports/leads.ndjson?q=no-such-lead-anywhere', as(a.admin, a.id));
    expect(json.text).toBe('');
  });

  it('an AGENT exports only the leads they may list; an ADMIN all of them', async () => {
    const agent = await addMember(t.http, a, 'AGENT');
    const own = await createLead(t.http, agent, a.id, { name: 'Agent Own', tags: ['rls'] });
    const assigned = await createLead(t.http, a.admin, a.id, {
      name: 'Agent Assigned',
      tags: ['rls'],
      assignedToId: agent.id,
    });
    const hidden = await createLead(t.http, a.admin, a.id, { name: 'Not The Agents', tags: ['rls'] });
    const agentRows = ndjson((await exportText(t.http, '/v1/exports/leads.ndjson?tag=rls', as(agent, a.id))).text);
    expect(agentRows.map((r) => r.id).sort()).toEqual([own.id, assigned.id].sort());
    expect(agentRows.map((r) => r.id)).toEqual(
      (await listAll(t.http, '/v1/leads?tag=rls', as(agent, a.id))).map((l) => l.id),
    );
    const adminRows = ndjson((await exportText(t.http, '/v1/exports/leads.ndjson?tag=rls', as(a.admin, a.id))).text);
    expect(adminRows.map((r) => r.id).sort()).toEqual([own.id, assigned.id, hidden.id].sort());
  });

  it('a VIEWER may export (as they may list), but includeDeleted is for ADMINs: a JSON error before any byte', async () => {
    const viewer = await addMember(t.http, a, 'VIEWER');
    const lead = await createLead(t.http, a.admin, a.id, { name: 'Soon Deleted', tags: ['gone'] });
    await t.http.delete(`/v1/leads/${lead.id}`).set(as(a.admin, a.id)).expect(204);
    const viewed = ndjson((await exportText(t.http, '/v1/exports/leads.ndjson?tag=gone', as(viewer, a.id))).text);
    expect(viewed).toEqual([]);
    const refused = await t.http.get('/v1/exports/leads.csv?tag=gone&includeDeleted=true').set(as(viewer, a.id));
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/application\/json/);
    expect(refused.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    expect(refused.body.requestId).toBeTruthy();
    const admin = ndjson(
      (await exportText(t.http, '/v1/exports/leads.ndjson?tag=gone&includeDeleted=true', as(a.admin, a.id))).text,
    );
    expect(admin.map((r) => r.id)).toEqual([lead.id]);
  });

  it('bad input is a 400 in the error shape: unknown format, page parameters, bad filters', async () => {
    for (const path of [
      '/v1/exports/leads.xml',
      '/v1/exports/leads.csv?page=2',
      '/v1/exports/leads.csv?pageSize=10',
      '/v1/exports/leads.csv?include=assignee',
      '/v1/exports/leads.csv?status=NOPE',
      '/v1/exports/deals.ndjson?sort=-nope',
    ]) {
      const res = await t.http.get(path).set(as(a.admin, a.id));
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    await t.http.get('/v1/exports/tickets.csv').set(as(a.admin, a.id)).expect(404);
  });

  it("isolation: B exports none of A's rows, not even by id; B is not a member of A (403); A itself gets them", async () => {
    const lead = await createLead(t.http, a.admin, a.id, { name: 'Only In A' });
    const contact = await createContact(t.http, a.admin, a.id, { name: 'Contact In A' });
    for (const [resource, id] of [
      ['leads', lead.id],
      ['contacts', contact.id],
    ]) {
      const mine = ndjson(
        (await exportText(t.http, `/v1/exports/${resource}.ndjson?ids=${id}`, as(a.admin, a.id))).text,
      );
      expect(mine.map((r) => r.id)).toEqual([id]);
      const theirs = await exportText(t.http, `/v1/exports/${resource}.ndjson?ids=${id}`, as(b.admin, b.id));
      expect(theirs.text).toBe('');
      const all = await exportText(t.http, `/v1/exports/${resource}.csv`, as(b.admin, b.id));
      expect(all.text).not.toContain(id);
      const notMember = await t.http.get(`/v1/exports/${resource}.csv`).set(as(b.admin, a.id));
      expect(notMember.status).toBe(403);
      expect(notMember.body.code).toBe('NOT_A_MEMBER');
    }
  });

  it("API keys need the resource's read scope", async () => {
    const key = async (scopes: string[]) =>
      (await t.http.post('/v1/api-keys').set(as(a.admin, a.id)).send({ name: 'Export key', scopes }).expect(201)).body
        .secret as string;
    const leadsKey = { authorization: `Bearer ${await key(['leads:read'])}` };
    const lead = await createLead(t.http, a.admin, a.id, { name: 'Key Visible' });
    const rows = ndjson((await exportText(t.http, `/v1/exports/leads.ndjson?ids=${lead.id}`, leadsKey)).text);
    expect(rows.map((r) => r.id)).toEqual([lead.id]);
    const denied = await t.http.get('/v1/exports/contacts.csv').set(leadsKey);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('INSUFFICIENT_SCOPE');
    const writeOnly = { authorization: `Bearer ${await key(['leads:write'])}` };
    expect((await t.http.get('/v1/exports/leads.csv').set(writeOnly)).body.code).toBe('INSUFFICIENT_SCOPE');
    const readAll = { authorization: `Bearer ${await key(['*:read'])}` };
    await exportText(t.http, '/v1/exports/contacts.csv', readAll);
  });

  it('streams: the first bytes arrive while the export is still reading, and a paused client holds it back', async () => {
    // ≈ 24 MB of CSV: far more than the socket buffers between the two ends can hold.
    const ROWS = 20_000;
    // Fixture rows straight into the table (owner session, triggers off for speed).
    await t.db.admin.exec(`SET session_replication_role = replica`);
    await t.db.admin.query(
      `INSERT INTO leads (organization_id, name, email, notes, tags, created_at)
       SELECT $1, 'Bulk lead ' || g, 'bulk' || g || '@example.test', repeat('n', 1000), ARRAY['bulk'],
              now() - g * interval '1 second'
         FROM generate_series(1, ${ROWS}) g`,
      [a.id],
    );
    await t.db.admin.exec(`SET session_replication_role = origin`);
    const repository = t.app.get(LeadsRepository);
    let fetched = 0;
    const original = repository.exportBatches.bind(repository);
    repository.exportBatches = (query) =>
      (async function* counted() {
        for await (const rows of original(query)) {
          fetched += rows.length;
          yield rows;
        }
      })();
    try {
      await t.app.listen(0, '127.0.0.1');
      const res = await rawGet(t, '/v1/exports/leads.csv?tag=bulk', as(a.admin, a.id));
      expect(res.statusCode).toBe(200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-length']).toBeUndefined();
      const first = await new Promise<Buffer>((resolve) => res.once('data', resolve));
      res.pause();
      expect(first.toString('utf8')).toMatch(/^id,name,/);
      await sleep(500);
      // The client reads nothing: the export waits for it instead of buffering the rest.
      const whilePaused = fetched;
      expect(whilePaused).toBeLessThan(ROWS / 2);
      // The export holds its connection while it waits: this server streams one at a time (its test pool is 4).
      const busy = await t.http.get('/v1/exports/contacts.csv').set(as(a.admin, a.id));
      expect(busy.status).toBe(429);
      expect(busy.body.code).toBe('RATE_LIMITED');
      expect(busy.headers['retry-after']).toBe('5');
      let rest = first.length;
      let lines = first.toString('utf8').split('\r\n').length - 1;
      let tail = '';
      res.on('data', (chunk: Buffer) => {
        rest += chunk.length;
        const text = tail + chunk.toString('utf8');
        lines += text.split('\r\n').length - 1;
        tail = text.slice(text.lastIndexOf('\r\n') + 2);
      });
      res.resume();
      await new Promise((resolve) => res.on('end', resolve));
      expect(fetched).toBe(ROWS);
      expect(lines).toBe(ROWS + 1);
      expect(rest).toBeGreaterThan(ROWS * 1000);
      // Its slot is free again once its last byte is written.
      let status = 429;
      for (let i = 0; i < 50 && status === 429; i++) {
        if (i) await sleep(20);
        status = (await t.http.get('/v1/exports/contacts.csv').set(as(a.admin, a.id))).status;
      }
      expect(status).toBe(200);
    } finally {
      repository.exportBatches = original;
    }
  });

  it('a failure after the first byte aborts the response: no clean end, so a cut file never looks complete', async () => {
    const repository = t.app.get(LeadsRepository);
    const original = repository.exportBatches.bind(repository);
    repository.exportBatches = (query) =>
      (async function* failing() {
        for await (const rows of original(query)) {
          yield rows;
          throw new Error('the database went away');
        }
      })();
    try {
      await t.app.listen(0, '127.0.0.1').catch(() => undefined);
      const res = await rawGet(t, '/v1/exports/leads.ndjson?tag=bulk', as(a.admin, a.id));
      expect(res.statusCode).toBe(200);
      const outcome = await new Promise<string>((resolve) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve('ended cleanly'));
        res.on('aborted', () => resolve('aborted'));
        res.on('error', () => resolve('aborted'));
      });
      expect(outcome).toBe('aborted');
    } finally {
      repository.exportBatches = original;
    }
    // The unit of work was rolled back and the slot freed: the next export works.
    const again = await exportText(t.http, '/v1/exports/leads.ndjson?tag=bulk&q=Bulk%20lead%201', as(a.admin, a.id));
    expect(ndjson(again.text).length).toBeGreaterThan(0);
  });

  it('a client that leaves mid-download stops the export and frees its connection', async () => {
    await t.app.listen(0, '127.0.0.1').catch(() => undefined);
    const res = await rawGet(t, '/v1/exports/leads.csv?tag=bulk', as(a.admin, a.id));
    await new Promise((resolve) => res.once('data', resolve));
    res.destroy();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      if (i) await sleep(50);
      status = (await t.http.get(`/v1/exports/contacts.csv`).set(as(a.admin, a.id))).status;
    }
    expect(status).toBe(200);
    await t.http.get('/v1/leads?pageSize=1').set(as(a.admin, a.id)).expect(200);
  });
});

describe('record exports: the deadline (DATABASE_EXPORT_TIMEOUT_MS)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ DATABASE_EXPORT_TIMEOUT_MS: '1500' });
  });
  afterAll(() => t?.close());

  it('ends the response of a client that neither reads nor leaves, and frees the export slot', async () => {
    const org = await createOrg(t.http, 'Deadline');
    await t.db.admin.query(
      `INSERT INTO leads (organization_id, name, notes, tags)
       SELECT $1, 'Slow lead ' || g, repeat('n', 1000), ARRAY['slow'] FROM generate_series(1, 20000) g`,
      [org.id],
    );
    await t.app.listen(0, '127.0.0.1');
    const res = await rawGet(t, '/v1/exports/leads.csv?tag=slow', as(org.admin, org.id));
    expect(res.statusCode).toBe(200);
    await new Promise((resolve) => res.once('data', resolve));
    res.pause();
    // Past the deadline the server has given up on it: its slot is free for the next export.
    await sleep(2500);
    await exportText(t.http, '/v1/exports/contacts.csv', as(org.admin, org.id));
    // The client, reading again, gets what was in flight and then a cut-off response, never a clean end.
    const outcome = await new Promise<string>((resolve) => {
      res.on('end', () => resolve('ended cleanly'));
      res.on('aborted', () => resolve('aborted'));
      res.on('error', () => resolve('aborted'));
      res.resume();
    });
    expect(outcome).toBe('aborted');
  });
});
