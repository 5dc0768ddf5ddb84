import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'superagent';
import type { SqlSession } from '../src/database/sql-session.js';
import { MAX_ATTACHMENT_BYTES } from '../src/storage/storage.driver.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { startFakeStorage, type FakeStorage } from './helpers/fake-supabase-storage.js';
import { addMember, as, createOrg, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { createTicket, ids, type Json, multipart } from './helpers/tickets.js';

const MiB = 1024 * 1024;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A ZIP local file header naming `name` (enough for the sniffer: it reads part names). */
function zipEntry(name: string, data = 'x'): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(Buffer.byteLength(name), 26);
  return Buffer.concat([header, Buffer.from(name), Buffer.from(data)]);
}

const FILES = {
  png: Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('IHDR fake png body'),
  ]),
  jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF jpeg body')]),
  pdf: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'),
  exe: Buffer.concat([Buffer.from('MZ'), Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]), Buffer.alloc(64)]),
  docx: Buffer.concat([zipEntry('[Content_Types].xml', '<Types/>'), zipEntry('word/document.xml', '<w:document/>')]),
  xlsx: Buffer.concat([zipEntry('[Content_Types].xml', '<Types/>'), zipEntry('xl/workbook.xml', '<workbook/>')]),
  zip: Buffer.concat([zipEntry('notes.txt', 'hello')]),
  doc: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
  csv: Buffer.from('address,price\n"12 Oak St",1000000\nÉtoile,5\n'),
  binaryText: Buffer.from('looks like text\u0000but has a NUL'),
};

interface Upload {
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

describe('ticket attachments (local storage)', () => {
  const { t, a, b } = twoOrganizations();
  let sql: SqlSession;
  let agent: User;
  let viewer: User;
  let ticket: Json;
  let storageRoot: string;

  beforeAll(async () => {
    sql = t.db.admin;
    storageRoot = t.config.storage.localDir;
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
    ticket = await createTicket(t.http, a.admin, a.id, { assigneeIds: [agent.id] });
  });

  const upload = (ticketId: string, file: Upload, user: User = a.admin) => {
    const { body, contentType } = multipart([{ name: 'file', filename: 'file.bin', ...file }]);
    return t.http.post(`/v1/tickets/${ticketId}/attachments`).set(as(user)).set('content-type', contentType).send(body);
  };

  /** Every stored file under the storage root, as paths relative to it. */
  function storedFiles(dir = storageRoot, prefix = ''): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? storedFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
    });
  }

  const rowsOf = (ticketId: string) =>
    sql.query<{ file_name: string; storage_path: string; mime_type: string; file_size: number }>(
      'SELECT file_name, storage_path, mime_type, file_size FROM ticket_attachments WHERE ticket_id = $1 ORDER BY uploaded_at',
      [ticketId],
    );

  describe('types', () => {
    it.each([
      ['photo.png', 'image/png', FILES.png, 'image/png'],
      ['photo.JPG', 'image/jpeg', FILES.jpeg, 'image/jpeg'],
      ['scan.pdf', 'application/pdf', FILES.pdf, 'application/pdf'],
      ['contract.docx', DOCX, FILES.docx, DOCX],
      ['sheet.xlsx', 'application/octet-stream', FILES.xlsx, XLSX],
      ['old.doc', 'application/msword', FILES.doc, 'application/msword'],
      ['old.xls', 'application/octet-stream', FILES.doc, 'application/vnd.ms-excel'],
      ['prices.csv', 'text/csv', FILES.csv, 'text/csv'],
      ['prices.csv', 'application/vnd.ms-excel', FILES.csv, 'text/csv'],
      ['notes', 'text/plain; charset=utf-8', FILES.csv, 'text/plain'],
    ])('accepts %s declared %s as %s', async (filename, contentType, data, stored) => {
      const res = await upload(ticket.id, { filename, contentType, data }).expect(201);
      expect(res.body).toMatchObject({
        fileName: filename,
        mimeType: stored,
        fileSize: data.length,
        uploadedById: a.admin.id,
      });
      expect(res.body).not.toHaveProperty('storagePath');
    });

    it.each([
      ['an .exe renamed .pdf', 'invoice.pdf', 'application/pdf', FILES.exe],
      ['an .exe declared as octet-stream', 'setup.exe', 'application/octet-stream', FILES.exe],
      ['a PNG declared as a PDF', 'photo.png', 'application/pdf', FILES.png],
      ['a PNG named .pdf', 'photo.pdf', 'application/octet-stream', FILES.png],
      ['a plain ZIP', 'archive.zip', 'application/zip', FILES.zip],
      ['a docx declared as xlsx', 'contract.docx', XLSX, FILES.docx],
      ['a legacy Office file of unknown kind', 'blob', 'application/octet-stream', FILES.doc],
      ['text with a NUL byte', 'notes.txt', 'text/plain', FILES.binaryText],
      ['HTML declared as such', 'page.html', 'text/html', '<html><script>alert(1)</script></html>'],
      ['text named .pdf', 'fake.pdf', 'application/octet-stream', 'just words'],
    ])('refuses %s with 415, leaving no row and no file', async (_name, filename, contentType, data) => {
      const before = storedFiles();
      const rows = (await rowsOf(ticket.id)).length;
      const res = await upload(ticket.id, { filename, contentType, data }).expect(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await rowsOf(ticket.id)).toHaveLength(rows);
      expect(storedFiles()).toEqual(before);
    });
  });

  it('stores under {org}/{ticket}/{uuid}-{name}, lists, signs a URL that serves the bytes, and deletes', async () => {
    const target = await createTicket(t.http, a.admin, a.id);
    const res = await upload(target.id, {
      filename: 'Leak photo (1).png',
      contentType: 'image/png',
      data: FILES.png,
    }).expect(201);
    const [row] = await rowsOf(target.id);
    expect(row.storage_path).toMatch(new RegExp(`^${a.id}/${target.id}/[0-9a-f-]{36}-Leak_photo_1_\\.png$`));
    expect(readFileSync(join(storageRoot, row.storage_path))).toEqual(FILES.png);

    const list = await t.http.get(`/v1/tickets/${target.id}/attachments`).set(as(viewer)).expect(200);
    expect(list.body).toMatchObject({
      meta: { total: 1 },
      data: [{ id: res.body.id, fileName: 'Leak photo (1).png' }],
    });

    const signed = await t.http
      .get(`/v1/tickets/${target.id}/attachments/${res.body.id}/url`)
      .set(as(viewer))
      .expect(200);
    expect(signed.body.url).toMatch(/^\/v1\/files\?token=[A-Za-z0-9_-]+&expires=\d+&signature=[A-Za-z0-9_-]{43}$/);
    const ttl = new Date(signed.body.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(250_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    const file = await t.http.get(signed.body.url).buffer(true).parse(binary).expect(200);
    expect(file.body).toEqual(FILES.png);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="Leak_photo_1_.png"; filename*=UTF-8''Leak%20photo%20%281%29.png`,
    );
    expect(file.headers['x-content-type-options']).toBe('nosniff');

    await t.http.delete(`/v1/tickets/${target.id}/attachments/${res.body.id}`).set(as(viewer)).expect(403);
    await t.http.delete(`/v1/tickets/${target.id}/attachments/${res.body.id}`).set(as(agent)).expect(404);
    await t.http.delete(`/v1/tickets/${target.id}/attachments/${res.body.id}`).set(as(a.admin)).expect(204);
    expect(await rowsOf(target.id)).toEqual([]);
    expect(existsSync(join(storageRoot, row.storage_path))).toBe(false);
    await t.http.get(`/v1/tickets/${target.id}/attachments/${res.body.id}/url`).set(as(a.admin)).expect(404);
    await t.http.get(signed.body.url).expect(404);
  });

  it('deleting a ticket deletes its files', async () => {
    const target = await createTicket(t.http, a.admin, a.id);
    await upload(target.id, { filename: 'a.pdf', contentType: 'application/pdf', data: FILES.pdf }).expect(201);
    const [row] = await rowsOf(target.id);
    expect(existsSync(join(storageRoot, row.storage_path))).toBe(true);
    await t.http.delete(`/v1/tickets/${target.id}`).set(as(a.admin)).expect(204);
    expect(existsSync(join(storageRoot, row.storage_path))).toBe(false);
  });

  it.each([
    ['../../etc/passwd', 'text/plain', 'root:x:0:0', 'passwd'],
    ['..\\x.pdf', 'application/pdf', FILES.pdf, 'x.pdf'],
    ['..\\..\\windows\\system32\\evil.png', 'image/png', FILES.png, 'evil.png'],
    ['/abs/path/../../../.hidden.txt', 'text/plain', 'hi', 'hidden.txt'],
    ['re\u202Egnp.pdf', 'application/pdf', FILES.pdf, 'regnp.pdf'],
    ['a\u0000b\u0007\u001b.txt', 'text/plain', 'hi', 'ab.txt'],
  ])('neutralises the file name %j', async (filename, contentType, data, expected) => {
    const target = await createTicket(t.http, a.admin, a.id);
    const res = await upload(target.id, { filename, contentType, data }).expect(201);
    expect(res.body.fileName).toBe(expected);
    const [row] = await rowsOf(target.id);
    expect(row.storage_path.startsWith(`${a.id}/${target.id}/`)).toBe(true);
    expect(row.storage_path).not.toMatch(/\.\.|\\|\/\//);
    expect(row.storage_path.split('/')).toHaveLength(3);
    expect(existsSync(join(storageRoot, row.storage_path))).toBe(true);
    for (const outside of ['etc', 'windows', 'passwd', join('..', 'etc')]) {
      expect(existsSync(join(storageRoot, outside))).toBe(false);
    }
    expect(existsSync(join(t.config.dataDir, 'etc'))).toBe(false);
  });

  describe('signed URLs', () => {
    let url: string;
    let row: { storage_path: string };

    beforeAll(async () => {
      const target = await createTicket(t.http, a.admin, a.id);
      const res = await upload(target.id, {
        filename: 'scan.pdf',
        contentType: 'application/pdf',
        data: FILES.pdf,
      }).expect(201);
      url = (await t.http.get(`/v1/tickets/${target.id}/attachments/${res.body.id}/url`).set(as(a.admin)).expect(200))
        .body.url;
      [row] = await rowsOf(target.id);
    });

    /** Signs like the server does, with its key from DATA_DIR: to build expired or foreign links. */
    function sign(grant: Record<string, unknown>, expires: number): string {
      const key = Buffer.from(readFileSync(join(t.config.dataDir, 'storage-signing-key'), 'utf8').trim(), 'base64url');
      const token = Buffer.from(JSON.stringify(grant)).toString('base64url');
      const signature = createHmac('sha256', key).update(`${token}.${expires}`).digest('base64url');
      return `/v1/files?${new URLSearchParams({ token, expires: String(expires), signature })}`;
    }

    it('serves the file before it expires (control)', async () => {
      const res = await t.http.get(url).buffer(true).parse(binary).expect(200);
      expect(res.body).toEqual(FILES.pdf);
      const resigned = sign(
        { p: row.storage_path, t: 'application/pdf', n: 'scan.pdf' },
        Math.floor(Date.now() / 1000) + 60,
      );
      await t.http.get(resigned).expect(200);
    });

    it('refuses an expired link with 403', async () => {
      const expired = sign(
        { p: row.storage_path, t: 'application/pdf', n: 'scan.pdf' },
        Math.floor(Date.now() / 1000) - 1,
      );
      const res = await t.http.get(expired).expect(403);
      expect(res.body.code).toBe('INVALID_SIGNED_URL');
    });

    it.each([
      ['signature', (u: URL) => u.searchParams.set('signature', flip(u.searchParams.get('signature')!))],
      ['expiry', (u: URL) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600))],
      [
        'path',
        (u: URL) => {
          const grant = JSON.parse(Buffer.from(u.searchParams.get('token')!, 'base64url').toString('utf8'));
          grant.p = grant.p.replace(/[^/]+$/, 'other.pdf');
          u.searchParams.set('token', Buffer.from(JSON.stringify(grant)).toString('base64url'));
        },
      ],
    ])('refuses a link whose %s was tampered with (403)', async (_part, tamper) => {
      const u = new URL(url, 'http://x');
      tamper(u);
      const res = await t.http.get(`${u.pathname}${u.search}`).expect(403);
      expect(res.body.code).toBe('INVALID_SIGNED_URL');
    });

    it('refuses a validly signed path that leaves the storage root (404), and malformed queries (400)', async () => {
      const future = Math.floor(Date.now() / 1000) + 60;
      await t.http.get(sign({ p: '../storage-signing-key' }, future)).expect(404);
      await t.http.get(sign({ p: `${a.id}/../../storage-signing-key` }, future)).expect(404);
      await t.http.get(url.replace(/&signature=[^&]+/, '')).expect(400);
      await t.http.get(url.replace(/token=[^&]+&/, '')).expect(400);
      await t.http.get(url.replace(/expires=\d+/, 'expires=soon')).expect(400);
    });
  });

  it('refuses a request that is not multipart (415) or has no file (400)', async () => {
    const json = await t.http
      .post(`/v1/tickets/${ticket.id}/attachments`)
      .set(as(a.admin))
      .send({ file: 'x' })
      .expect(415);
    expect(json.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const { body, contentType } = multipart([{ name: 'note', data: 'no file here' }]);
    const none = await t.http
      .post(`/v1/tickets/${ticket.id}/attachments`)
      .set(as(a.admin))
      .set('content-type', contentType)
      .send(body)
      .expect(400);
    expect(none.body.details).toEqual([expect.objectContaining({ field: 'file', message: 'a file part is required' })]);
    // JSON routes still refuse multipart bodies, as before the multipart parser was registered.
    const file = multipart([{ name: 'file', filename: 'a.pdf', contentType: 'application/pdf', data: FILES.pdf }]);
    const onJson = await t.http
      .post('/v1/tickets')
      .set(as(a.admin))
      .set('content-type', file.contentType)
      .send(file.body)
      .expect(415);
    expect(onJson.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('deletes the stored object when the row cannot be inserted, and keeps no row when storing fails', async () => {
    const target = await createTicket(t.http, a.admin, a.id);
    await sql.query(
      "ALTER TABLE ticket_attachments ADD CONSTRAINT test_refuse_name CHECK (file_name <> 'refused.pdf')",
    );
    try {
      const before = storedFiles();
      await upload(target.id, { filename: 'refused.pdf', contentType: 'application/pdf', data: FILES.pdf }).expect(400);
      expect(storedFiles()).toEqual(before);
      expect(await rowsOf(target.id)).toEqual([]);
    } finally {
      await sql.query('ALTER TABLE ticket_attachments DROP CONSTRAINT test_refuse_name');
    }
    // A file where the ticket's directory should be: the disk write fails.
    const blocked = await createTicket(t.http, a.admin, a.id);
    mkdirSync(join(storageRoot, a.id), { recursive: true });
    writeFileSync(join(storageRoot, a.id, blocked.id), 'in the way');
    const failed = await upload(blocked.id, {
      filename: 'a.pdf',
      contentType: 'application/pdf',
      data: FILES.pdf,
    }).expect(503);
    expect(failed.body.code).toBe('STORAGE_UNAVAILABLE');
    expect(await rowsOf(blocked.id)).toEqual([]);
  });

  it('limits uploads to the roles and tickets the caller may write', async () => {
    const hidden = await createTicket(t.http, a.admin, a.id);
    const before = storedFiles();
    await upload(hidden.id, { filename: 'a.pdf', contentType: 'application/pdf', data: FILES.pdf }, agent).expect(404);
    await upload(ticket.id, { filename: 'a.pdf', contentType: 'application/pdf', data: FILES.pdf }, viewer).expect(403);
    expect(storedFiles()).toEqual(before);
    await upload(ticket.id, { filename: 'ok.pdf', contentType: 'application/pdf', data: FILES.pdf }, agent).expect(201);
    await t.http.get(`/v1/tickets/${hidden.id}/attachments`).set(as(agent)).expect(404);
  });

  it("hides org A's attachments from org B on every route, beside A's allowed control", async () => {
    const target = await createTicket(t.http, a.admin, a.id);
    const res = await upload(target.id, { filename: 'a.pdf', contentType: 'application/pdf', data: FILES.pdf }).expect(
      201,
    );
    const B = as(b.admin);
    const before = storedFiles();
    const { body, contentType } = multipart([
      { name: 'file', filename: 'b.pdf', contentType: 'application/pdf', data: FILES.pdf },
    ]);
    await t.http
      .post(`/v1/tickets/${target.id}/attachments`)
      .set(B)
      .set('content-type', contentType)
      .send(body)
      .expect(404);
    expect(storedFiles()).toEqual(before);
    await t.http.get(`/v1/tickets/${target.id}/attachments`).set(B).expect(404);
    await t.http.get(`/v1/tickets/${target.id}/attachments/${res.body.id}/url`).set(B).expect(404);
    await t.http.delete(`/v1/tickets/${target.id}/attachments/${res.body.id}`).set(B).expect(404);
    // Through B's own ticket, A's attachment id is still not found.
    const own = await createTicket(t.http, b.admin, b.id);
    await t.http.get(`/v1/tickets/${own.id}/attachments/${res.body.id}/url`).set(B).expect(404);
    await t.http.delete(`/v1/tickets/${own.id}/attachments/${res.body.id}`).set(B).expect(404);
    const listB = await t.http.get(`/v1/tickets/${own.id}/attachments`).set(B).expect(200);
    expect(ids(listB)).not.toContain(res.body.id);
    // Control: A still has it.
    const listA = await t.http.get(`/v1/tickets/${target.id}/attachments`).set(as(a.admin)).expect(200);
    expect(ids(listA)).toEqual([res.body.id]);
  });

  describe('50 MiB limit, streamed', () => {
    let port: number;

    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      port = (t.app.getHttpServer().address() as AddressInfo).port;
    });

    it('refuses 50 MiB + 1 byte with 413 without holding the file in memory, leaving no row and no object', async () => {
      const target = await createTicket(t.http, a.admin, a.id);
      const before = storedFiles();
      const result = await streamUpload(port, target.id, a.admin, MAX_ATTACHMENT_BYTES + 1);
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect(await rowsOf(target.id)).toEqual([]);
      expect(storedFiles()).toEqual(before);
      report('50 MiB + 1 byte upload (refused, 413)', result);
      // Buffering the file would add at least 50 MiB; streaming stays far below.
      expect(result.peakRssGrowth).toBeLessThan(40 * MiB);
    });

    it('accepts exactly 50 MiB, streamed to disk', async () => {
      const target = await createTicket(t.http, a.admin, a.id);
      const result = await streamUpload(port, target.id, a.admin, MAX_ATTACHMENT_BYTES);
      expect(result.status).toBe(201);
      expect(JSON.parse(result.body)).toMatchObject({ fileSize: MAX_ATTACHMENT_BYTES, mimeType: 'application/pdf' });
      const [row] = await rowsOf(target.id);
      expect(statSync(join(storageRoot, row.storage_path)).size).toBe(MAX_ATTACHMENT_BYTES);
      report('50 MiB upload (accepted, 201)', result);
      expect(result.peakRssGrowth).toBeLessThan(40 * MiB);
    });
  });
});

describe('ticket attachments (Supabase Storage driver against a local stand-in)', () => {
  let fake: FakeStorage;
  let t: TestApp;
  let org: Org;
  let ticket: Json;

  beforeAll(async () => {
    fake = await startFakeStorage();
    t = await bootApp({ SUPABASE_URL: fake.url, SUPABASE_SERVICE_ROLE_KEY: fake.key, STORAGE_BUCKET: 'crm-files' });
    org = await createOrg(t.http, 'Supa');
    ticket = await createTicket(t.http, org.admin, org.id);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const upload = (file: Upload) => {
    const { body, contentType } = multipart([{ name: 'file', filename: 'file.bin', ...file }]);
    return t.http
      .post(`/v1/tickets/${ticket.id}/attachments`)
      .set(as(org.admin))
      .set('content-type', contentType)
      .send(body);
  };

  it('is chosen when SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set', () => {
    expect(t.config.storage).toMatchObject({ driver: 'supabase', bucket: 'crm-files' });
  });

  it('creates the private bucket once, uploads, signs a URL that serves the bytes, and deletes', async () => {
    const res = await upload({ filename: 'scan.pdf', contentType: 'application/pdf', data: FILES.pdf }).expect(201);
    expect(fake.buckets.get('crm-files')).toMatchObject({
      id: 'crm-files',
      public: false,
      file_size_limit: MAX_ATTACHMENT_BYTES,
      allowed_mime_types: expect.arrayContaining(['application/pdf', 'image/png', 'text/csv', DOCX]),
    });
    const key = [...fake.objects.keys()].find((k) => k.endsWith('-scan.pdf'))!;
    expect(key).toMatch(new RegExp(`^crm-files/${org.id}/${ticket.id}/[0-9a-f-]{36}-scan\\.pdf$`));
    expect(fake.objects.get(key)).toMatchObject({ bytes: FILES.pdf, contentType: 'application/pdf' });
    expect(
      fake.requests.every((r) => r.path.includes('/object/sign/') || r.authorization === `Bearer ${fake.key}`),
    ).toBe(true);

    await upload({ filename: 'b.png', contentType: 'image/png', data: FILES.png }).expect(201);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/storage/v1/bucket')).toHaveLength(1);

    const signed = await t.http
      .get(`/v1/tickets/${ticket.id}/attachments/${res.body.id}/url`)
      .set(as(org.admin))
      .expect(200);
    expect(signed.body.url.startsWith(`${fake.url}/storage/v1/object/sign/crm-files/${org.id}/`)).toBe(true);
    expect(new URL(signed.body.url).searchParams.get('download')).toBe('scan.pdf');
    const signRequest = fake.requests.find((r) => r.method === 'POST' && r.path.startsWith('/storage/v1/object/sign/'));
    expect(signRequest?.body).toEqual({ expiresIn: 300 });
    const download = await fetch(signed.body.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(FILES.pdf);
    // A tampered token does not download.
    expect((await fetch(signed.body.url.replace(/token=[0-9a-f]+/, 'token=00'))).status).toBe(400);

    await t.http.delete(`/v1/tickets/${ticket.id}/attachments/${res.body.id}`).set(as(org.admin)).expect(204);
    expect(fake.objects.has(key)).toBe(false);
    const removal = fake.requests.find((r) => r.method === 'DELETE');
    expect(removal).toMatchObject({
      path: '/storage/v1/object/crm-files',
      body: { prefixes: [key.replace('crm-files/', '')] },
    });
  });

  it('refuses 415 before anything reaches storage', async () => {
    const uploads = () =>
      fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/storage/v1/object/crm-files/'));
    const before = uploads().length;
    await upload({ filename: 'invoice.pdf', contentType: 'application/pdf', data: FILES.exe }).expect(415);
    expect(uploads()).toHaveLength(before);
  });

  it('answers 503 and keeps no row when storage fails', async () => {
    fake.failUploads = 500;
    try {
      const res = await upload({ filename: 'a.pdf', contentType: 'application/pdf', data: FILES.pdf }).expect(503);
      expect(res.body.code).toBe('STORAGE_UNAVAILABLE');
    } finally {
      fake.failUploads = undefined;
    }
    const list = await t.http.get(`/v1/tickets/${ticket.id}/attachments`).set(as(org.admin)).expect(200);
    expect(list.body.data.map((x: Json) => x.fileName)).not.toContain('a.pdf');
  });

  it('streams 50 MiB + 1 byte through to storage, then deletes the partial object and answers 413', async () => {
    await t.app.listen(0, '127.0.0.1');
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    const objects = fake.objects.size;
    const result = await streamUpload(
      port,
      ticket.id,
      org.admin,
      MAX_ATTACHMENT_BYTES + 1,
      () => fake.lastUploadBytes ?? 0,
    );
    expect(result.status).toBe(413);
    expect(fake.objects.size).toBe(objects);
    const partial = fake.requests.filter((r) => r.method === 'DELETE').at(-1);
    expect(partial?.body).toEqual({ prefixes: [expect.stringMatching(new RegExp(`^${org.id}/${ticket.id}/`))] });
    report('50 MiB + 1 byte upload via the Supabase driver (refused, 413)', result);
    // Streamed, not buffered: storage had the first bytes before the client had sent them all.
    expect(fake.lastUploadFirstByteAt).toBeDefined();
    expect(fake.lastUploadFirstByteAt!).toBeLessThan(result.sentAllAt);
    expect(fake.lastUploadBytes).toBe(MAX_ATTACHMENT_BYTES);
    // At no point did the API hold back more than socket and stream buffers' worth of the file.
    expect(result.maxInFlight).toBeLessThan(24 * MiB);
  });
});

// superagent hands binary bodies over as Buffers only with a parser (it passes the raw response stream).
function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

function flip(signature: string): string {
  return (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
}

interface StreamResult {
  status: number;
  /** When the client had written its last byte. */
  sentAllAt: number;
  /** With `received`: the most bytes sent by the client and not yet received by storage. */
  maxInFlight: number;
  body: string;
  baseRss: number;
  peakRss: number;
  peakRssGrowth: number;
  ms: number;
}

const memoryReports: string[] = [];
function report(label: string, r: StreamResult): void {
  memoryReports.push(
    `${label}: RSS ${(r.baseRss / MiB).toFixed(1)} MiB before, peak ${(r.peakRss / MiB).toFixed(1)} MiB ` +
      `(+${(r.peakRssGrowth / MiB).toFixed(1)} MiB) in ${r.ms} ms` +
      (r.maxInFlight ? `, at most ${(r.maxInFlight / MiB).toFixed(1)} MiB in flight` : ''),
  );
}
afterAll(() => {
  // The figures the issue asks for, printed once per run.
  if (memoryReports.length) process.stdout.write(`\n[attachment memory]\n${memoryReports.join('\n')}\n`);
});

/**
 * Uploads a generated PDF of `size` bytes over a real socket, written 1 MiB at a time from
 * one reused buffer (the client never holds the file), sampling this process's RSS — the
 * server runs in it — every 5 ms.
 */
async function streamUpload(
  port: number,
  ticketId: string,
  user: User,
  size: number,
  received?: () => number,
): Promise<StreamResult> {
  const boundary = '----crm-stream-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const pdfHeader = Buffer.from('%PDF-1.7\n');
  const chunk = Buffer.alloc(MiB, 0x41);

  const baseRss = process.memoryUsage.rss();
  let peakRss = baseRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  const started = Date.now();
  let sentAllAt = Number.POSITIVE_INFINITY;
  let maxInFlight = 0;
  try {
    return await new Promise<StreamResult>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/v1/tickets/${ticketId}/attachments`,
          headers: {
            ...as(user),
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': head.length + size + tail.length,
          },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => {
            peakRss = Math.max(peakRss, process.memoryUsage.rss());
            resolve({
              status: res.statusCode ?? 0,
              sentAllAt,
              maxInFlight,
              body: Buffer.concat(parts).toString('utf8'),
              baseRss,
              peakRss,
              peakRssGrowth: peakRss - baseRss,
              ms: Date.now() - started,
            });
          });
        },
      );
      req.on('error', reject);
      const write = (data: Buffer) =>
        new Promise<void>((ok) => {
          if (req.write(data)) ok();
          else req.once('drain', ok);
        });
      void (async () => {
        await write(head);
        await write(pdfHeader);
        let left = size - pdfHeader.length;
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          await write(n === chunk.length ? chunk : chunk.subarray(0, n));
          left -= n;
          if (received) maxInFlight = Math.max(maxInFlight, size - left - received());
        }
        req.end(tail, () => {
          sentAllAt = Date.now();
        });
      })().catch(reject);
    });
  } finally {
    clearInterval(sampler);
  }
}
