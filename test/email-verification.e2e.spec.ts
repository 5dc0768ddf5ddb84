import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { BACKGROUND, bootApp, type TestApp } from './helpers/app.js';
import { as, createLead, createOrg, type Org, type User } from './helpers/fixtures.js';
import { startSmtp, type SmtpReceiver } from './helpers/smtp.js';

const PASSWORD = 'Harbor-lights-2026';
const APP_URL = 'https://crm.harbor.test';

function expectError(res: { status: number; body: any }, statusCode: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: statusCode, code });
}

/** The token of the link in a verification email (`<APP_URL>/verify-email?token=…`). */
function tokenOf(mail: ParsedMail): string {
  const match = /\/verify-email\?token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
  if (!match) throw new Error(`No verification link in: ${mail.text}`);
  return match[1];
}

/** Makes the user's verification links a minute old, past the resend cooldown. */
const ageLinks = (app: TestApp, userId: string) =>
  app.db.admin.query(`UPDATE email_verifications SET created_at = now() - interval '61 seconds' WHERE user_id = $1`, [
    userId,
  ]);

describe('Email verification (embedded auth)', () => {
  let smtp: SmtpReceiver;
  let t: TestApp;
  let org: Org;

  const newAddress = () => `v-${randomUUID().slice(0, 8)}@example.test`;
  const signupAs = async (email: string, name = 'Vera Verify'): Promise<User & { body: any }> => {
    const res = await t.http.post('/v1/auth/signup').send({ email, password: PASSWORD, fullName: name }).expect(201);
    return { id: res.body.user.id, email, token: res.body.accessToken, body: res.body };
  };
  const verificationMails = (email: string) => smtp.to(email).filter((m) => m.subject?.includes('Confirm'));
  const verifiedAt = async (userId: string) =>
    (
      await t.db.admin.query<{ email_verified_at: Date | null }>(
        'SELECT email_verified_at FROM profiles WHERE id = $1',
        [userId],
      )
    )[0].email_verified_at;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await bootApp({ ...BACKGROUND, SMTP_URL: smtp.url, APP_URL });
    org = await createOrg(t.http, 'Verifying Realty');
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('emails a one-time link at signup; the account signs in unverified, and the link verifies it once', async () => {
    const email = newAddress();
    const user = await signupAs(email);
    expect(user.body.user.emailVerified).toBe(false);

    const mail = await smtp.waitFor(email, (m) => m.subject?.includes('Confirm') ?? false);
    expect(mail.text).toContain(`${APP_URL}/verify-email?token=`);
    const token = tokenOf(mail);
    // Only the hash is stored, as account mail (no organization), expiring in 24 hours.
    const [row] = await t.db.admin.query<{ hash: string; hours: number }>(
      `SELECT encode(token_hash, 'hex') AS hash, round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours
         FROM email_verifications WHERE user_id = $1`,
      [user.id],
    );
    expect(row.hours).toBe(24);
    expect(row.hash).toBe(createHash('sha256').update(token).digest('hex'));
    // Account mail: no organization. The SMTP server has it; the sender records SENT right after.
    const outbox = async () =>
      (
        await t.db.admin.query<{ organization_id: string | null; status: string }>(
          `SELECT organization_id, status FROM email_outbox WHERE to_address = $1 AND kind = 'EMAIL_VERIFICATION'`,
          [email],
        )
      )[0];
    for (let i = 0; i < 100 && (await outbox()).status !== 'SENT'; i++) await sleep(50);
    expect(await outbox()).toEqual({ organization_id: null, status: 'SENT' });

    // Unverified: signs in fine.
    const login = await t.http.post('/v1/auth/login').send({ email, password: PASSWORD }).expect(200);
    expect(login.body.user.emailVerified).toBe(false);
    expect((await t.http.get('/v1/me').set(as(user)).expect(200)).body.emailVerified).toBe(false);

    // The link verifies, without signing in; a second use is 410.
    await t.http.post('/v1/auth/verify').send({ token }).expect(204);
    expect(await verifiedAt(user.id)).toBeInstanceOf(Date);
    expect((await t.http.get('/v1/me').set(as(user)).expect(200)).body.emailVerified).toBe(true);
    expectError(await t.http.post('/v1/auth/verify').send({ token }), 410, 'VERIFICATION_TOKEN_USED');
    expect((await t.http.post('/v1/auth/login').send({ email, password: PASSWORD })).body.user.emailVerified).toBe(
      true,
    );
  });

  it('answers a made-up token 404, an expired link 410 (and leaves the account unverified), bad input 400', async () => {
    const email = newAddress();
    const user = await signupAs(email);
    const token = tokenOf(await smtp.waitFor(email, (m) => m.subject?.includes('Confirm') ?? false));
    expectError(
      await t.http.post('/v1/auth/verify').send({ token: 'x'.repeat(43) }),
      404,
      'VERIFICATION_TOKEN_INVALID',
    );
    expectError(await t.http.post('/v1/auth/verify').send({}), 400, 'VALIDATION_FAILED');
    expectError(await t.http.post('/v1/auth/verify').send({ token: 'x'.repeat(101) }), 400, 'VALIDATION_FAILED');
    await t.db.admin.query(
      `UPDATE email_verifications SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [user.id],
    );
    expectError(await t.http.post('/v1/auth/verify').send({ token }), 410, 'VERIFICATION_TOKEN_EXPIRED');
    expect(await verifiedAt(user.id)).toBeNull();
  });

  it('resends a new link to the signed-in user (the old one dies); 409 once verified; 401 signed out', async () => {
    const email = newAddress();
    const user = await signupAs(email);
    const first = tokenOf(await smtp.waitFor(email, (m) => m.subject?.includes('Confirm') ?? false));
    expectError(await t.http.post('/v1/auth/verify/resend'), 401, 'UNAUTHORIZED');
    // Within a minute of the last link: 429 with the wait (no flooding of the address's inbox).
    const tooSoon = await t.http.post('/v1/auth/verify/resend').set(as(user));
    expectError(tooSoon, 429, 'RATE_LIMITED');
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(tooSoon.headers['retry-after'])).toBeLessThanOrEqual(60);
    await ageLinks(t, user.id);
    await t.http.post('/v1/auth/verify/resend').set(as(user)).expect(204);
    const second = tokenOf(
      await smtp.waitFor(email, (m) => verificationMails(email).length >= 2 && m !== verificationMails(email)[0]),
    );
    expect(second).not.toBe(first);
    expectError(await t.http.post('/v1/auth/verify').send({ token: first }), 404, 'VERIFICATION_TOKEN_INVALID');
    await t.http.post('/v1/auth/verify').send({ token: second }).expect(204);
    expectError(await t.http.post('/v1/auth/verify/resend').set(as(user)), 409, 'EMAIL_ALREADY_VERIFIED');
  });

  it('rate limits resend and verify (the strict auth budget)', async () => {
    const strict = await bootApp({ AUTH_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const res = await strict.http
        .post('/v1/auth/signup')
        .send({ email: newAddress(), password: PASSWORD, fullName: 'Rita Rate' })
        .expect(201);
      const user = { id: res.body.user.id, email: '', token: res.body.accessToken };
      // Per route and client: two resends, then 429; verify has its own two.
      await ageLinks(strict, user.id);
      await strict.http.post('/v1/auth/verify/resend').set(as(user)).expect(204);
      await ageLinks(strict, user.id);
      await strict.http.post('/v1/auth/verify/resend').set(as(user)).expect(204);
      await ageLinks(strict, user.id);
      expectError(await strict.http.post('/v1/auth/verify/resend').set(as(user)), 429, 'RATE_LIMITED');
      for (let i = 0; i < 2; i++) {
        expectError(
          await strict.http.post('/v1/auth/verify').send({ token: 'y'.repeat(43) }),
          404,
          'VERIFICATION_TOKEN_INVALID',
        );
      }
      expectError(await strict.http.post('/v1/auth/verify').send({ token: 'y'.repeat(43) }), 429, 'RATE_LIMITED');
    } finally {
      await strict.close();
    }
  });

  it('lets an unverified account join nothing: POST /v1/members refuses it until it verifies (control: then 201)', async () => {
    const email = newAddress();
    const user = await signupAs(email, 'Nina Newhire');
    const lead = await createLead(t.http, org.admin, org.id, { name: 'Secret buyer' });
    expectError(
      await t.http.post('/v1/members').set(as(org.admin, org.id)).send({ email, role: 'MANAGER' }),
      422,
      'EMAIL_NOT_VERIFIED',
    );
    expectError(await t.http.get(`/v1/leads/${lead.id}`).set(as(user, org.id)), 403, 'NOT_A_MEMBER');
    const token = tokenOf(await smtp.waitFor(email, (m) => m.subject?.includes('Confirm') ?? false));
    await t.http.post('/v1/auth/verify').send({ token }).expect(204);
    await t.http.post('/v1/members').set(as(org.admin, org.id)).send({ email, role: 'MANAGER' }).expect(201);
    await t.http.get(`/v1/leads/${lead.id}`).set(as(user, org.id)).expect(200);
  });

  it('keeps verification in the database: crm_app cannot mark itself verified, and a changed address is unverified again', async () => {
    const email = newAddress();
    const user = await signupAs(email);
    await expect(
      t.db.admin.query(
        `DO $$ BEGIN
           PERFORM set_config('role', 'crm_app', true);
           PERFORM set_config('app.current_user_id', '${user.id}', true);
           UPDATE profiles SET email_verified_at = now() WHERE id = '${user.id}';
         END $$`,
      ),
    ).rejects.toThrow(/email_verified_at/);
    expect(await verifiedAt(user.id)).toBeNull();
    await t.db.admin.query('UPDATE profiles SET email_verified_at = now() WHERE id = $1', [user.id]);
    await t.db.admin.query(`UPDATE profiles SET email = $2 WHERE id = $1`, [user.id, newAddress()]);
    expect(await verifiedAt(user.id)).toBeNull();
  });

  it("lets account mail go only to the signed-in user's own address (RLS on email_outbox)", async () => {
    const email = newAddress();
    const user = await signupAs(email);
    const insert = (to: string) =>
      t.db.admin.query(
        `DO $$ BEGIN
           PERFORM set_config('role', 'crm_app', true);
           PERFORM set_config('app.current_user_id', '${user.id}', true);
           INSERT INTO email_outbox (id, kind, to_address, subject, text, html)
             VALUES (gen_random_uuid(), 'EMAIL_VERIFICATION', '${to}', 's', 't', 'h');
         END $$`,
      );
    await expect(insert('victim@example.test')).rejects.toThrow(/row-level security/);
    await expect(insert(email.toUpperCase())).resolves.toBeDefined();
  });
});
