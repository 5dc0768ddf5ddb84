import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Response } from 'superagent';
import { LOCAL_TOKEN_ISSUER } from '../src/config/config.js';
import { ProfileProvisioner } from '../src/profiles/profile-provisioner.service.js';
import { bootApp, LOCAL_SECRET, SUPABASE_SECRET, type TestApp } from './helpers/app.js';
import { startFakeStorage, type FakeStorage } from './helpers/fake-supabase-storage.js';
import {
  addMember,
  as,
  createLead,
  createOrg,
  type Org,
  signup,
  twoOrganizations,
  type User,
} from './helpers/fixtures.js';
import { multipart } from './helpers/tickets.js';

const PASSWORD = 'Harbor-lights-2026';
const MiB = 1024 * 1024;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('IHDR fake png'),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF jpeg body')]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');

// superagent hands binary bodies over as Buffers only with a parser.
function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** The storage key a local signed URL grants (its token is signed base64url JSON, not secret). */
const keyOf = (url: string): string =>
  (
    JSON.parse(Buffer.from(new URL(url, 'http://x').searchParams.get('token')!, 'base64url').toString()) as {
      p: string;
    }
  ).p;

describe('profile (local storage)', () => {
  const { t, a, b } = twoOrganizations();
  const upload = (path: string, user: User, file: { filename: string; contentType?: string; data: Buffer }) => {
    // A part without a Content-Type is text/plain to busboy: send what a browser would.
    const { body, contentType } = multipart([{ name: 'file', contentType: 'application/octet-stream', ...file }]);
    return t.http.put(path).set(as(user)).set('content-type', contentType).send(body);
  };
  const stored = (key: string) => existsSync(join(t.config.storage.localDir, ...key.split('/')));
  const download = (url: string) => t.http.get(url).buffer(true).parse(binary);

  describe('PATCH /v1/me', () => {
    it.each([
      ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      ['a UTC offset as time zone', { timeZone: '+02:00' }, 'timeZone'],
      ['a malformed locale', { locale: 'en_US!!' }, 'locale'],
      ['a locale that is not a tag', { locale: 'english please' }, 'locale'],
      ['letters in the phone', { phone: 'call me' }, 'phone'],
      ['an empty name', { fullName: '' }, 'fullName'],
      ['an unknown field', { email: 'new@example.test' }, 'email'],
    ])('refuses %s with 400 naming the field', async (_what, body, field) => {
      const res = await t.http.patch('/v1/me').set(as(a.admin)).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('changes the fields sent, canonicalizes the locale, and GET /v1/me shows them', async () => {
      const res = await t.http
        .patch('/v1/me')
        .set(as(a.admin))
        .send({ fullName: '  Ana Ortiz ', phone: '+34 600 123 456', timeZone: 'Europe/Madrid', locale: 'es-es' })
        .expect(200);
      expect(res.body).toMatchObject({
        id: a.admin.id,
        email: a.admin.email,
        fullName: 'Ana Ortiz',
        phone: '+34 600 123 456',
        timeZone: 'Europe/Madrid',
        locale: 'es-ES',
        avatarUrl: null,
      });
      expect(res.body).not.toHaveProperty('memberships');
      await t.http.patch('/v1/me').set(as(a.admin)).send({ phone: null }).expect(200);
      const me = await t.http.get('/v1/me').set(as(a.admin)).expect(200);
      expect(me.body).toMatchObject({ fullName: 'Ana Ortiz', phone: null, timeZone: 'Europe/Madrid', locale: 'es-ES' });
      expect(me.body.memberships).toEqual([expect.objectContaining({ organizationId: a.id, role: 'ADMIN' })]);
      // Another user's profile is untouched.
      expect((await t.http.get('/v1/me').set(as(b.admin)).expect(200)).body).toMatchObject({
        phone: null,
        locale: null,
      });
    });
  });

  describe('avatar', () => {
    it('stores a PNG, serves it through a signed URL with the same bytes, replaces and deletes it', async () => {
      const user = await signup(t.http, 'Avatar Person');
      const res = await upload('/v1/me/avatar', user, {
        filename: 'me.png',
        contentType: 'image/png',
        data: PNG,
      }).expect(200);
      expect(res.body.avatarUrl).toMatch(/^\/v1\/files\?token=[A-Za-z0-9_-]+&expires=\d+&signature=[A-Za-z0-9_-]{43}$/);
      const first = keyOf(res.body.avatarUrl);
      expect(first).toMatch(new RegExp(`^avatars/${user.id}/[0-9a-f-]{36}\\.png$`));
      const file = await download(res.body.avatarUrl).expect(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.body).toEqual(PNG);

      const me = await t.http.get('/v1/me').set(as(user)).expect(200);
      expect(keyOf(me.body.avatarUrl)).toBe(first);

      // A JPEG replaces it; the PNG's file is deleted.
      const second = await upload('/v1/me/avatar', user, { filename: 'me.jpg', data: JPEG }).expect(200);
      expect(keyOf(second.body.avatarUrl)).toMatch(/\.jpg$/);
      expect(stored(first)).toBe(false);
      expect((await download(second.body.avatarUrl).expect(200)).body).toEqual(JPEG);

      await t.http.delete('/v1/me/avatar').set(as(user)).expect(204);
      expect(stored(keyOf(second.body.avatarUrl))).toBe(false);
      expect((await t.http.get('/v1/me').set(as(user)).expect(200)).body.avatarUrl).toBeNull();
      await download(second.body.avatarUrl).expect(404);
    });

    it.each([
      [
        'a text file renamed .png',
        { filename: 'me.png', contentType: 'image/png', data: Buffer.from('not a picture') },
      ],
      ['a PDF', { filename: 'me.pdf', contentType: 'application/pdf', data: PDF }],
      ['a PNG declared as a JPEG', { filename: 'me.png', contentType: 'image/jpeg', data: PNG }],
    ])('refuses %s with 415 and keeps the avatar it has', async (_what, file) => {
      const user = await signup(t.http, 'Picky');
      await upload('/v1/me/avatar', user, { filename: 'ok.png', data: PNG }).expect(200);
      const res = await upload('/v1/me/avatar', user, file).expect(415);
      expect(res.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'file' })]);
      const me = await t.http.get('/v1/me').set(as(user)).expect(200);
      expect(keyOf(me.body.avatarUrl)).toMatch(/\.png$/);
    });

    it('refuses more than 5 MiB with 413 and stores nothing; exactly 5 MiB is fine', async () => {
      const user = await signup(t.http, 'Big Picture');
      const big = Buffer.concat([PNG, Buffer.alloc(5 * MiB + 1 - PNG.length)]);
      const res = await upload('/v1/me/avatar', user, { filename: 'big.png', data: big }).expect(413);
      expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect(existsSync(join(t.config.storage.localDir, 'avatars', user.id))).toBe(false);
      expect((await t.http.get('/v1/me').set(as(user)).expect(200)).body.avatarUrl).toBeNull();
      await upload('/v1/me/avatar', user, { filename: 'big.png', data: big.subarray(0, 5 * MiB) }).expect(200);
    });

    it('refuses a JSON body and an upload without a file part', async () => {
      const user = await signup(t.http, 'No File');
      await t.http.put('/v1/me/avatar').set(as(user)).send({ file: 'x' }).expect(415);
      const { body, contentType } = multipart([{ name: 'note', data: 'hello' }]);
      const res = await t.http.put('/v1/me/avatar').set(as(user)).set('content-type', contentType).send(body);
      expect(res.status).toBe(400);
    });
  });

  describe('organization logo', () => {
    let agent: User;
    let logoUrl: string;

    beforeAll(async () => {
      agent = await addMember(t.http, a, 'AGENT');
    });

    it("an ADMIN sets it, under the organization's prefix; members see it wherever the organization is returned", async () => {
      const res = await upload(`/v1/organizations/${a.id}/logo`, a.admin, { filename: 'logo.png', data: PNG }).expect(
        200,
      );
      expect(res.body).toMatchObject({ id: a.id, role: 'ADMIN' });
      logoUrl = res.body.logoUrl;
      expect(keyOf(logoUrl)).toMatch(new RegExp(`^${a.id}/logo/[0-9a-f-]{36}\\.png$`));
      expect((await download(logoUrl).expect(200)).body).toEqual(PNG);

      const asAgent = await t.http.get(`/v1/organizations/${a.id}`).set(as(agent)).expect(200);
      expect(keyOf(asAgent.body.logoUrl)).toBe(keyOf(logoUrl));
      expect((await download(asAgent.body.logoUrl).expect(200)).body).toEqual(PNG);
      const list = await t.http.get('/v1/organizations').set(as(agent)).expect(200);
      expect(keyOf(list.body.data[0].logoUrl)).toBe(keyOf(logoUrl));
      const patched = await t.http.patch(`/v1/organizations/${a.id}`).set(as(a.admin)).send({ name: 'A' }).expect(200);
      expect(keyOf(patched.body.logoUrl)).toBe(keyOf(logoUrl));
    });

    it('an AGENT may not set or remove it (403)', async () => {
      const res = await upload(`/v1/organizations/${a.id}/logo`, agent, { filename: 'logo.png', data: PNG }).expect(
        403,
      );
      expect(res.body.code).toBe('FORBIDDEN');
      await t.http.delete(`/v1/organizations/${a.id}/logo`).set(as(agent)).expect(403);
      expect(stored(keyOf(logoUrl))).toBe(true);
    });

    it("another organization's ADMIN cannot read, set or remove it (404); their own works (control)", async () => {
      // Denied: B's ADMIN gets nothing of A's, logo included.
      await t.http.get(`/v1/organizations/${a.id}`).set(as(b.admin)).expect(404);
      await upload(`/v1/organizations/${a.id}/logo`, b.admin, { filename: 'logo.png', data: JPEG }).expect(404);
      await t.http.delete(`/v1/organizations/${a.id}/logo`).set(as(b.admin)).expect(404);
      const listed = await t.http.get('/v1/organizations').set(as(b.admin)).expect(200);
      expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([b.id]);
      expect(listed.body.data[0].logoUrl).toBeNull();
      expect(stored(keyOf(logoUrl))).toBe(true);
      // Allowed control: the same calls on B's own organization.
      const own = await upload(`/v1/organizations/${b.id}/logo`, b.admin, { filename: 'b.jpg', data: JPEG }).expect(
        200,
      );
      expect(keyOf(own.body.logoUrl)).toMatch(new RegExp(`^${b.id}/logo/`));
      expect((await t.http.get(`/v1/organizations/${b.id}`).set(as(b.admin)).expect(200)).body.logoUrl).not.toBeNull();
      // A signed URL is a grant for one key: rewriting it to A's logo breaks its signature.
      const forged = new URL(own.body.logoUrl, 'http://x');
      forged.searchParams.set(
        'token',
        Buffer.from(JSON.stringify({ p: keyOf(logoUrl), t: 'image/png' })).toString('base64url'),
      );
      const refused = await t.http.get(`${forged.pathname}${forged.search}`).expect(403);
      expect(refused.body.code).toBe('INVALID_SIGNED_URL');
    });

    it('refuses a wrong type (415) and the ADMIN removes it', async () => {
      const res = await upload(`/v1/organizations/${a.id}/logo`, a.admin, {
        filename: 'logo.png',
        data: Buffer.from('plain text, not an image'),
      }).expect(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      await t.http.delete(`/v1/organizations/${a.id}/logo`).set(as(a.admin)).expect(204);
      expect(stored(keyOf(logoUrl))).toBe(false);
      expect((await t.http.get(`/v1/organizations/${a.id}`).set(as(agent)).expect(200)).body.logoUrl).toBeNull();
    });
  });

  describe('DELETE /v1/me', () => {
    const remove = (user: User, body: Record<string, unknown>) => t.http.delete('/v1/me').set(as(user)).send(body);

    it('needs the current password', async () => {
      const user = await signup(t.http, 'Careful');
      const missing = await remove(user, {}).expect(400);
      expect(missing.body.details).toEqual([expect.objectContaining({ field: 'password', code: 'REQUIRED' })]);
      expect((await remove(user, { password: 'Wrong-password-2026' }).expect(401)).body.code).toBe(
        'INVALID_CREDENTIALS',
      );
      await t.http.get('/v1/me').set(as(user)).expect(200);
    });

    it('leaves the organization, keeps authored records under "Former member", and frees the address', async () => {
      const leaver = await addMember(t.http, a, 'AGENT');
      const lead = await createLead(t.http, leaver, a.id, { name: 'Left behind' });
      const activity = await t.http
        .post('/v1/activities')
        .set(as(leaver, a.id))
        .send({ type: 'CALL', title: 'First call', leadId: lead.id })
        .expect(201);
      const avatar = await upload('/v1/me/avatar', leaver, { filename: 'me.png', data: PNG }).expect(200);

      await remove(leaver, { password: PASSWORD }).expect(204);

      // The organization still reads what they wrote, attributed to a former member.
      const read = await t.http.get(`/v1/leads/${lead.id}?include=createdBy`).set(as(a.admin, a.id)).expect(200);
      expect(read.body).toMatchObject({ name: 'Left behind', createdBy: { id: leaver.id, fullName: 'Former member' } });
      const act = await t.http
        .get(`/v1/activities/${activity.body.id}?include=createdBy`)
        .set(as(a.admin, a.id))
        .expect(200);
      expect(act.body.createdBy).toEqual({ id: leaver.id, fullName: 'Former member' });
      const timeline = await t.http.get(`/v1/leads/${lead.id}/timeline`).set(as(a.admin, a.id)).expect(200);
      expect(timeline.body.data[0]).toMatchObject({ actor: { id: leaver.id, name: 'Former member' } });
      // No longer a member; their avatar is gone.
      const members = await t.http.get('/v1/members').set(as(a.admin, a.id)).expect(200);
      expect(members.body.data.map((m: { userId: string }) => m.userId)).not.toContain(leaver.id);
      await t.http.get(`/v1/members/${leaver.id}`).set(as(a.admin, a.id)).expect(404);
      expect(stored(keyOf(avatar.body.avatarUrl))).toBe(false);

      // Their credentials and tokens are useless.
      const login = await t.http.post('/v1/auth/login').send({ email: leaver.email, password: PASSWORD }).expect(401);
      expect(login.body.code).toBe('INVALID_CREDENTIALS');
      // The account's sessions went with it: its access token is refused before anything else.
      expect((await t.http.get('/v1/me').set(as(leaver)).expect(401)).body.code).toBe('SESSION_REVOKED');
      await t.http.get('/v1/leads').set(as(leaver, a.id)).expect(401);
      await t.http.post('/v1/organizations').set(as(leaver)).send({ name: 'Comeback' }).expect(401);
      await remove(leaver, { password: PASSWORD }).expect(401);
      // A token no session check covers (signed without a session id), on a replica that saw the account
      // before and still takes it as live: the routes it could use refuse it.
      t.app.get(ProfileProvisioner).remember(leaver.id);
      const stale = {
        ...leaver,
        token: jwt.sign({ email: leaver.email, role: 'authenticated' }, LOCAL_SECRET, {
          algorithm: 'HS256',
          subject: leaver.id,
          audience: 'authenticated',
          issuer: LOCAL_TOKEN_ISSUER,
          expiresIn: 600,
        }),
      };
      await t.http.post('/v1/organizations').set(as(stale)).send({ name: 'Comeback' }).expect(401);
      expect((await t.http.get('/v1/me').set(as(stale)).expect(401)).body.code).toBe('ACCOUNT_DELETED');
      await t.http.patch('/v1/me').set(as(stale)).send({ fullName: 'Ghost' }).expect(401);
      await upload('/v1/me/avatar', stale, { filename: 'me.png', data: PNG }).expect(401);
      await t.http.get('/v1/leads').set(as(stale, a.id)).expect(403);
      t.app.get(ProfileProvisioner).forget(leaver.id);

      // The address can sign up again: a new, separate account.
      const again = await t.http
        .post('/v1/auth/signup')
        .send({ email: leaver.email, password: PASSWORD, fullName: 'Back Again' })
        .expect(201);
      expect(again.body.user.id).not.toBe(leaver.id);
      const fresh = { id: again.body.user.id, email: leaver.email, token: again.body.accessToken };
      expect((await t.http.get('/v1/me').set(as(fresh)).expect(200)).body.memberships).toEqual([]);
      await t.http.get(`/v1/leads/${lead.id}`).set(as(fresh, a.id)).expect(403);
    });

    it('refuses the last ADMIN of an organization with other members (409 LAST_ADMIN) until another is ADMIN', async () => {
      const org: Org = await createOrg(t.http, 'Solo Admin');
      const other = await addMember(t.http, org, 'AGENT');
      const res = await remove(org.admin, { password: PASSWORD }).expect(409);
      expect(res.body).toMatchObject({ code: 'LAST_ADMIN', ref: { organizationIds: [org.id] } });
      await t.http.get('/v1/me').set(as(org.admin)).expect(200);
      await t.http.post('/v1/auth/login').send({ email: org.admin.email, password: PASSWORD }).expect(200);

      await t.http.patch(`/v1/members/${other.id}`).set(as(org.admin, org.id)).send({ role: 'ADMIN' }).expect(200);
      await remove(org.admin, { password: PASSWORD }).expect(204);
      const members = await t.http.get('/v1/members').set(as(other, org.id)).expect(200);
      expect(members.body.data.map((m: { userId: string }) => m.userId)).toEqual([other.id]);
    });

    it('two ADMINs deleting their accounts at once: one goes, the other is the last ADMIN (409)', async () => {
      const org: Org = await createOrg(t.http, 'Two Admins');
      const second = await addMember(t.http, org, 'ADMIN');
      const agent = await addMember(t.http, org, 'AGENT');
      const results = await Promise.all([
        remove(org.admin, { password: PASSWORD }),
        remove(second, { password: PASSWORD }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
      const members = await t.http.get('/v1/members').set(as(agent, org.id)).expect(200);
      expect(members.body.data.filter((m: { role: string }) => m.role === 'ADMIN')).toHaveLength(1);
    });

    it('a Supabase Auth account (no password) confirms with confirm: true; its token then answers ACCOUNT_DELETED', async () => {
      const sub = randomUUID();
      const email = `supa-${sub.slice(0, 8)}@example.test`;
      const token = jwt.sign({ email, role: 'authenticated' }, SUPABASE_SECRET, {
        algorithm: 'HS256',
        subject: sub,
        audience: 'authenticated',
        expiresIn: 600,
      });
      const user: User = { id: sub, email, token };
      expect((await t.http.get('/v1/me').set(as(user)).expect(200)).body.id).toBe(sub);
      const missing = await remove(user, { password: PASSWORD }).expect(400);
      expect(missing.body.details).toEqual([expect.objectContaining({ field: 'confirm', code: 'REQUIRED' })]);
      await remove(user, { confirm: 'yes' }).expect(400);
      await remove(user, { confirm: true }).expect(204);
      expect((await t.http.get('/v1/me').set(as(user)).expect(401)).body.code).toBe('ACCOUNT_DELETED');
      expect((await t.http.patch('/v1/me').set(as(user)).send({ locale: 'en' }).expect(401)).body.code).toBe(
        'ACCOUNT_DELETED',
      );
      const rows = await t.db.admin.query<{ email: string; full_name: string }>(
        'SELECT email, full_name FROM profiles WHERE id = $1',
        [sub],
      );
      expect(rows).toEqual([{ email: `deleted+${sub}@invalid`, full_name: 'Former member' }]);
    });

    it('the only member of an organization may delete their account; the organization is left without members', async () => {
      const org = await createOrg(t.http, 'Alone');
      await createLead(t.http, org.admin, org.id);
      await remove(org.admin, { password: PASSWORD }).expect(204);
      const rows = await t.db.admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM memberships WHERE organization_id = $1',
        [org.id],
      );
      expect(rows[0].n).toBe(0);
    });
  });
});

describe('profile (Supabase Storage driver)', () => {
  let fake: FakeStorage;
  let t: TestApp;

  beforeAll(async () => {
    fake = await startFakeStorage();
    t = await bootApp({ SUPABASE_URL: fake.url, SUPABASE_SERVICE_ROLE_KEY: fake.key, STORAGE_BUCKET: 'crm-files' });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('stores the avatar in the bucket, signs a URL that serves its bytes, and deletes it', async () => {
    const user = await signup(t.http, 'Supa Person');
    const { body, contentType } = multipart([
      { name: 'file', filename: 'me.webp', contentType: 'image/webp', data: webp() },
    ]);
    const res = await t.http.put('/v1/me/avatar').set(as(user)).set('content-type', contentType).send(body).expect(200);
    const key = [...fake.objects.keys()].find((k) => k.startsWith(`crm-files/avatars/${user.id}/`))!;
    expect(key).toMatch(/\.webp$/);
    expect(fake.objects.get(key)).toMatchObject({ bytes: webp(), contentType: 'image/webp' });
    expect(res.body.avatarUrl.startsWith(`${fake.url}/storage/v1/object/sign/crm-files/avatars/${user.id}/`)).toBe(
      true,
    );
    const downloaded = await fetch(res.body.avatarUrl);
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer())).toEqual(webp());

    await t.http.delete('/v1/me').set(as(user)).send({ password: PASSWORD }).expect(204);
    expect(fake.objects.has(key)).toBe(false);
  });
});

/** A minimal WebP header (RIFF….WEBP) and some bytes. */
function webp(): Buffer {
  const data = Buffer.from('VP8 fake webp body');
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(data.length + 4, 4);
  header.write('WEBP', 8, 'ascii');
  return Buffer.concat([header, data]);
}
