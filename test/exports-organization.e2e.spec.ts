import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { FILES_STORAGE, STORAGE_DRIVER, type StorageDriver } from '../src/storage/storage.driver.js';
import { BACKGROUND, bootApp, type TestApp } from './helpers/app.js';
import { startFakeStorage, type FakeStorage } from './helpers/fake-supabase-storage.js';
import { addMember, as, createLead, createOrg, type Org, twoOrganizations } from './helpers/fixtures.js';
import { leadsCsv, uploadImport } from './helpers/imports.js';
import { createActivity, createContact, createDeal, createListing } from './helpers/records.js';

/** A ustar archive's regular files, read the way any tar reader would (name, octal size, 512-byte blocks). */
function untar(tar: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('ascii').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, ''), 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    expect(parseInt(header.subarray(148, 156).toString('ascii'), 8)).toBe(sum);
    expect(header.subarray(257, 263).toString('ascii')).toBe('ustar\0');
    files.set(name, tar.subarray(offset + 512, offset + 512 + size).toString('utf8'));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

const lines = (text: string | undefined): Record<string, any>[] =>
  (text ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

async function completed(http: TestAgent, org: Org, id: string): Promise<Record<string, any>> {
  for (let i = 0; i < 150; i++) {
    const res = await http.get(`/v1/exports/organization/${id}`).set(as(org.admin, org.id)).expect(200);
    if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
    await sleep(200);
  }
  throw new Error(`export ${id} did not finish`);
}

describe('organization export (POST/GET /v1/exports/organization)', () => {
  const { t, a, b } = twoOrganizations(BACKGROUND);

  it('is for ADMINs signed in as themselves: MANAGER 403, API key 403 API_KEY_NOT_ALLOWED', async () => {
    const manager = await addMember(t.http, a, 'MANAGER');
    await t.http.post('/v1/exports/organization').set(as(manager, a.id)).expect(403);
    const key = await t.http
      .post('/v1/api-keys')
      .set(as(a.admin, a.id))
      .send({ name: 'Backup key', scopes: ['*:read', 'leads:write'] })
      .expect(201);
    const byKey = await t.http.post('/v1/exports/organization').set({ authorization: `Bearer ${key.body.secret}` });
    expect(byKey.status).toBe(403);
    expect(byKey.body.code).toBe('API_KEY_NOT_ALLOWED');
  });

  it("writes a .tar.gz of NDJSON files with the organization's rows only, downloadable by a signed URL", async () => {
    const lead = await createLead(t.http, a.admin, a.id, { name: 'Archived, "Lead"', tags: ['archive'] });
    const agent = await addMember(t.http, a, 'AGENT');
    const agentLead = await createLead(t.http, agent, a.id, { name: 'Agent lead in archive' });
    const product = (
      await t.http.post('/v1/products').set(as(a.admin, a.id)).send({ name: 'Archived service line' }).expect(201)
    ).body;
    const stage = (
      await t.http.post('/v1/acquisition-stages').set(as(a.admin, a.id)).send({ name: 'Archived stage' }).expect(201)
    ).body;
    const contact = await createContact(t.http, a.admin, a.id, {
      name: 'Archived Contact',
      productId: product.id,
      acquisitionStageId: stage.id,
    });
    const deal = await createDeal(t.http, a.admin, a.id, { title: 'Archived Deal', contactId: contact.id });
    const listing = await createListing(t.http, a.admin, a.id, { title: 'Archived Listing' });
    const activity = await createActivity(t.http, a.admin, a.id, { leadId: lead.id });
    await t.db.admin.query(
      `INSERT INTO campaigns (organization_id, name, budget) VALUES ($1, 'Spring open houses', 1500)`,
      [a.id],
    );
    const other = await createLead(t.http, b.admin, b.id, { name: 'Only In B' });
    const secret = (
      await t.http
        .post('/v1/api-keys')
        .set(as(a.admin, a.id))
        .send({ name: 'k', scopes: ['leads:read'] })
        .expect(201)
    ).body.secret as string;

    const started = await t.http.post('/v1/exports/organization').set(as(a.admin, a.id)).expect(202);
    expect(started.body).toMatchObject({ status: 'pending', createdById: a.admin.id, download: null, sizeBytes: null });
    // Another organization's export id is not found; the ADMIN's own is (the control).
    await t.http.get(`/v1/exports/organization/${started.body.id}`).set(as(b.admin, b.id)).expect(404);
    const done = await completed(t.http, a, started.body.id);
    expect(done.status).toBe('completed');
    expect(done.error).toBeNull();
    expect(done.sizeBytes).toBeGreaterThan(0);
    expect(done.download.url).toMatch(/^\/v1\/files\?token=/);
    expect(Date.parse(done.download.expiresAt)).toBeGreaterThan(Date.now());
    await t.http.get(`/v1/exports/organization/${started.body.id}`).set(as(b.admin, b.id)).expect(404);
    await t.http.get(`/v1/exports/organization/${started.body.id}`).set(as(agent, a.id)).expect(403);

    const file = await t.http
      .get(done.download.url)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(file.headers['content-type']).toBe('application/gzip');
    expect(file.headers['content-disposition']).toMatch(/organization-\d{4}-\d{2}-\d{2}\.tar\.gz/);
    const archive = file.body as Buffer;
    expect(archive.length).toBe(done.sizeBytes);

    // Any tar reads it.
    const dir = mkdtempSync(join(tmpdir(), 'crm-archive-'));
    try {
      writeFileSync(join(dir, 'a.tar.gz'), archive);
      const listed = execFileSync('tar', ['-tzf', join(dir, 'a.tar.gz')], { encoding: 'utf8' })
        .trim()
        .split('\n');
      expect(listed).toEqual([
        'manifest.json',
        'leads.ndjson',
        'contacts.ndjson',
        'deals.ndjson',
        'listings.ndjson',
        'activities.ndjson',
        'appointments.ndjson',
        'tickets.ndjson',
        'ticket-comments.ndjson',
        'campaigns.ndjson',
        'products.ndjson',
        'acquisition-stages.ndjson',
        'lead-scoring-settings.ndjson',
        'lead-routing.ndjson',
        'lead-routing-agents.ndjson',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const files = untar(gunzipSync(archive));
    const manifest = JSON.parse(files.get('manifest.json') ?? '{}');
    expect(manifest.organizationId).toBe(a.id);
    expect(manifest.omitted.join(' ')).toMatch(/Secrets/);
    const leads = lines(files.get('leads.ndjson'));
    expect(leads.map((l) => l.id)).toEqual(expect.arrayContaining([lead.id, agentLead.id]));
    expect(leads.find((l) => l.id === lead.id)).toMatchObject({ name: 'Archived, "Lead"', tags: ['archive'] });
    expect(leads[0]).not.toHaveProperty('organizationId');
    expect(leads[0]).not.toHaveProperty('emailKey');
    expect(lines(files.get('contacts.ndjson')).find((r) => r.id === contact.id)).toMatchObject({
      productId: product.id,
      acquisitionStageId: stage.id,
    });
    expect(lines(files.get('products.ndjson'))).toEqual([
      expect.objectContaining({ id: product.id, name: 'Archived service line', active: true }),
    ]);
    expect(lines(files.get('acquisition-stages.ndjson'))).toEqual([
      expect.objectContaining({ id: stage.id, name: 'Archived stage', position: 1 }),
    ]);
    expect(lines(files.get('deals.ndjson')).map((r) => r.id)).toContain(deal.id);
    expect(lines(files.get('listings.ndjson')).map((r) => r.id)).toContain(listing.id);
    expect(lines(files.get('activities.ndjson')).map((r) => r.id)).toContain(activity.id);
    expect(lines(files.get('campaigns.ndjson'))).toEqual([
      expect.objectContaining({ name: 'Spring open houses', budget: '1500' }),
    ]);
    for (const f of manifest.files) {
      expect(lines(files.get(f.name))).toHaveLength(f.rows);
      expect(done.rowCounts[f.name]).toBe(f.rows);
    }
    const everything = [...files.values()].join('\n');
    expect(everything).not.toContain(other.id);
    expect(everything).not.toContain(b.id);
    expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/passwordHash|keyHash|scrypt/);

    const notes = await t.http.get('/v1/notifications').set(as(a.admin, a.id)).expect(200);
    expect(notes.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'ORGANIZATION_EXPORT_COMPLETED', data: { exportId: started.body.id } }),
      ]),
    );
  });

  it("B's export holds B's rows and none of A's", async () => {
    const mine = await createLead(t.http, b.admin, b.id, { name: 'B backup lead' });
    const theirs = await createLead(t.http, a.admin, a.id, { name: 'A lead not in B' });
    const started = await t.http.post('/v1/exports/organization').set(as(b.admin, b.id)).expect(202);
    const done = await completed(t.http, b, started.body.id);
    const res = await t.http
      .get(done.download.url)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const files = untar(gunzipSync(res.body as Buffer));
    const ids = lines(files.get('leads.ndjson')).map((l) => l.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    await t.http.get(`/v1/exports/organization/${started.body.id}`).set(as(a.admin, a.id)).expect(404);
  });

  it('a failure is recorded as failed with its message, and the ADMIN is notified', async () => {
    const storage = t.app.get<StorageDriver>(FILES_STORAGE);
    const put = storage.put.bind(storage);
    storage.put = async (_path, body) => {
      body.destroy();
      throw new Error('storage is down (token bearer abc.def)');
    };
    try {
      const started = await t.http.post('/v1/exports/organization').set(as(a.admin, a.id)).expect(202);
      const done = await completed(t.http, a, started.body.id);
      expect(done).toMatchObject({ status: 'failed', download: null, sizeBytes: null });
      expect(done.error).toBe('storage is down (token bearer ***)');
      const notes = await t.http.get('/v1/notifications').set(as(a.admin, a.id)).expect(200);
      expect(notes.body.data).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'ORGANIZATION_EXPORT_FAILED', data: { exportId: started.body.id } }),
        ]),
      );
    } finally {
      storage.put = put;
    }
  });
});

describe('organization archives and import files on Supabase Storage (against a local stand-in)', () => {
  let fake: FakeStorage;
  let t: TestApp;
  let org: Org;

  beforeAll(async () => {
    fake = await startFakeStorage();
    t = await bootApp({ ...BACKGROUND, SUPABASE_URL: fake.url, SUPABASE_SERVICE_ROLE_KEY: fake.key });
    org = await createOrg(t.http, 'Supa archive');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('go to their own bucket, created without the attachments limits; the attachments bucket refuses them', async () => {
    await createLead(t.http, org.admin, org.id, { name: 'Archived on Supabase' });
    const requested = await t.http.post('/v1/exports/organization').set(as(org.admin, org.id)).expect(202);
    const done = await completed(t.http, org, requested.body.id);
    expect(done.status).toBe('completed');

    expect(fake.buckets.get('organization-files')).toMatchObject({ public: false });
    expect(fake.buckets.get('organization-files')).not.toHaveProperty('allowed_mime_types');
    const archive = [...fake.objects.entries()].find(([key]) => key.startsWith('organization-files/exports/'));
    expect(archive?.[1].contentType).toBe('application/gzip');
    const files = untar(gunzipSync(archive![1].bytes));
    expect(lines(files.get('leads.ndjson')).map((l) => l.name)).toEqual(['Archived on Supabase']);

    // An import's CSV lands there too.
    const upload = await uploadImport(t.http, org.admin, org.id, leadsCsv(3, 'supa')).expect(201);
    const csv = [...fake.objects.keys()].find((key) => key.startsWith(`organization-files/${org.id}/imports/`));
    expect(csv).toBeDefined();
    expect(upload.body.fileName).toBe('leads.csv');

    // The control: the attachments bucket (MIME allow-list) refuses an archive's type.
    const attachments = t.app.get<StorageDriver>(STORAGE_DRIVER);
    await expect(
      attachments.put(`${org.id}/probe.tar.gz`, Readable.from([Buffer.from('x')]), 'application/gzip'),
    ).rejects.toThrow();
    expect(fake.buckets.get('ticket-attachments')).toMatchObject({
      allowed_mime_types: expect.not.arrayContaining(['application/gzip']),
    });
  });
});
