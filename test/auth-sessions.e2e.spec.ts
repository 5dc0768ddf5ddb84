import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import type { ParsedMail } from 'mailparser';
import { SessionsHousekeeping } from '../src/auth/sessions.housekeeping.js';
import { BACKGROUND, bootApp, type TestApp } from './helpers/app.js';
import { startSmtp, type SmtpReceiver } from './helpers/smtp.js';

const PASSWORD = 'Harbor-lights-2026';
const NEW_PASSWORD = 'tide pool lantern marmalade';
const APP_URL = 'https://crm.harbor.test';

interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** The documented error shape with this status and code. */
function expectError(res: { status: number; body: any }, statusCode: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: statusCode, code });
  expect(res.body).toMatchObject({ statusCode, message: expect.any(String), requestId: expect.any(String) });
}

/** The token of the link in a reset email (`<APP_URL>/reset-password?token=…`). */
function resetTokenOf(mail: ParsedMail): string {
  const match = /\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
  if (!match) throw new Error(`No reset link in: ${mail.text}`);
  return match[1];
}

describe('Embedded auth sessions: refresh rotation, logout, recovery, password change', () => {
  let smtp: SmtpReceiver;
  let t: TestApp;

  const newAddress = () => `s-${randomUUID().slice(0, 8)}@example.test`;
  const signupAs = async (email = newAddress()): Promise<Session> =>
    (await t.http.post('/v1/auth/signup').send({ email, password: PASSWORD, fullName: 'Sam Session' }).expect(201))
      .body;
  const login = async (email: string, password = PASSWORD): Promise<Session> =>
    (await t.http.post('/v1/auth/login').send({ email, password }).expect(200)).body;
  const refresh = (refreshToken: string) => t.http.post('/v1/auth/refresh').send({ refreshToken });
  const me = (token: string) => t.http.get('/v1/me').set(bearer(token));
  const resetMails = (email: string) => smtp.to(email).filter((m) => m.subject?.includes('Reset') ?? false);

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await bootApp({ ...BACKGROUND, SMTP_URL: smtp.url, APP_URL });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('signup and login return a short-lived access token bound to a session, and a refresh token stored hashed', async () => {
    const email = newAddress();
    const signup = await signupAs(email);
    expect(signup).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshExpiresIn: 30 * 24 * 3600,
    });
    const claims = jwt.decode(signup.accessToken) as { sid: string; exp: number; iat: number };
    expect(claims.exp - claims.iat).toBe(900);
    const [row] = await t.db.admin.query<{ user_id: string; hash: string }>(
      `SELECT s.user_id, encode(r.token_hash, 'hex') AS hash
         FROM auth_sessions s JOIN refresh_tokens r ON r.session_id = s.id WHERE s.id = $1`,
      [claims.sid],
    );
    expect(row).toEqual({
      user_id: signup.user.id,
      hash: createHash('sha256').update(signup.refreshToken).digest('hex'),
    });
    // A login is a session of its own.
    const second = await login(email);
    expect((jwt.decode(second.accessToken) as { sid: string }).sid).not.toBe(claims.sid);
  });

  it('rotates: a refresh answers a new pair, and the new access token works', async () => {
    const first = await signupAs();
    const res = await refresh(first.refreshToken).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', user: { id: first.user.id } });
    expect(res.body.refreshToken).not.toBe(first.refreshToken);
    expect(jwt.decode(res.body.accessToken)).toMatchObject({ sid: (jwt.decode(first.accessToken) as any).sid });
    await me(res.body.accessToken).expect(200);
    const again = await refresh(res.body.refreshToken).expect(200);
    await me(again.body.accessToken).expect(200);
  });

  it('reusing a rotated refresh token revokes its whole session; another session of the same user keeps working', async () => {
    const email = newAddress();
    const victim = await signupAs(email);
    const control = await login(email);
    const rotated = (await refresh(victim.refreshToken).expect(200)).body as Session;

    expectError(await refresh(victim.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
    // The family is gone: its newest refresh token and its access tokens too.
    expectError(await refresh(rotated.refreshToken), 401, 'REFRESH_TOKEN_REVOKED');
    expectError(await me(rotated.accessToken), 401, 'SESSION_REVOKED');
    expectError(await me(victim.accessToken), 401, 'SESSION_REVOKED');
    const [session] = await t.db.admin.query<{ revoked_reason: string }>(
      'SELECT revoked_reason FROM auth_sessions WHERE id = $1',
      [(jwt.decode(victim.accessToken) as { sid: string }).sid],
    );
    expect(session.revoked_reason).toBe('REFRESH_TOKEN_REUSED');

    // Control: the user's other session.
    await me(control.accessToken).expect(200);
    const next = await refresh(control.refreshToken).expect(200);
    await me(next.body.accessToken).expect(200);
  });

  it('lets only one of two simultaneous refreshes of one token succeed', async () => {
    const session = await signupAs();
    const answers = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
    expect(answers.find((r) => r.status === 401)?.body.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('refuses an unknown, an expired and a malformed refresh token with their own codes', async () => {
    expectError(await refresh('x'.repeat(43)), 401, 'REFRESH_TOKEN_INVALID');
    expectError(await t.http.post('/v1/auth/refresh').send({}), 400, 'VALIDATION_FAILED');
    const session = await signupAs();
    await t.db.admin.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
      createHash('sha256').update(session.refreshToken).digest(),
    ]);
    expectError(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_EXPIRED');
    // Control: a fresh session refreshes.
    await refresh((await signupAs()).refreshToken).expect(200);
  });

  it('logout ends this session (its access and refresh tokens), not the user’s others', async () => {
    const email = newAddress();
    const leaving = await signupAs(email);
    const staying = await login(email);
    await me(leaving.accessToken).expect(200); // cached as verified before the logout
    await t.http.post('/v1/auth/logout').set(bearer(leaving.accessToken)).expect(204);
    expectError(await me(leaving.accessToken), 401, 'SESSION_REVOKED');
    expectError(await refresh(leaving.refreshToken), 401, 'REFRESH_TOKEN_REVOKED');
    expectError(await t.http.post('/v1/auth/logout'), 401, 'UNAUTHORIZED');
    await me(staying.accessToken).expect(200);
    await refresh(staying.refreshToken).expect(200);
  });

  it('logout-all ends every session of the user, and no one else’s', async () => {
    const email = newAddress();
    const one = await signupAs(email);
    const two = await login(email);
    const stranger = await signupAs();
    await me(two.accessToken).expect(200);
    await t.http.post('/v1/auth/logout-all').set(bearer(one.accessToken)).expect(204);
    for (const s of [one, two]) {
      expectError(await me(s.accessToken), 401, 'SESSION_REVOKED');
      expectError(await refresh(s.refreshToken), 401, 'REFRESH_TOKEN_REVOKED');
    }
    await me(stranger.accessToken).expect(200);
    // Signing in again starts a working session.
    await me((await login(email)).accessToken).expect(200);
  });

  it('a session revoked through another API process stops there once its status is read again', async () => {
    // A second process on the same database that reads session status on every request.
    const replica = await bootApp({ SESSION_STATUS_CACHE_SECONDS: '0' }, t.db);
    try {
      const session = await signupAs();
      await replica.http.get('/v1/me').set(bearer(session.accessToken)).expect(200);
      await t.http.post('/v1/auth/logout').set(bearer(session.accessToken)).expect(204);
      expectError(await replica.http.get('/v1/me').set(bearer(session.accessToken)), 401, 'SESSION_REVOKED');
    } finally {
      await replica.close();
    }
  });

  it('recovers a password end to end: the emailed link resets it once, verifies the address and signs everything out', async () => {
    const email = newAddress();
    const before = await signupAs(email);
    const res = await t.http.post('/v1/auth/recover').send({ email: email.toUpperCase() }).expect(202);
    const unknown = await t.http.post('/v1/auth/recover').send({ email: newAddress() }).expect(202);
    // The same answer for an address no account has.
    expect(unknown.body).toEqual(res.body);
    expect(
      Object.keys(res.headers)
        .filter((h) => h !== 'date' && !h.startsWith('x-request-id'))
        .sort(),
    ).toEqual(
      Object.keys(unknown.headers)
        .filter((h) => h !== 'date' && !h.startsWith('x-request-id'))
        .sort(),
    );

    const mail = await smtp.waitFor(email, (m) => m.subject?.includes('Reset') ?? false);
    expect(mail.text).toContain(`${APP_URL}/reset-password?token=`);
    const token = resetTokenOf(mail);
    const [row] = await t.db.admin.query<{ hash: string; minutes: number }>(
      `SELECT encode(token_hash, 'hex') AS hash, round(extract(epoch FROM expires_at - created_at) / 60)::int AS minutes
         FROM password_resets WHERE user_id = $1`,
      [before.user.id],
    );
    expect(row).toEqual({ hash: createHash('sha256').update(token).digest('hex'), minutes: 60 });

    // The policy applies to the new password.
    const weak = await t.http.post('/v1/auth/reset').send({ token, password: 'password-123' });
    expectError(weak, 400, 'VALIDATION_FAILED');
    expect(weak.body.details).toEqual([expect.objectContaining({ field: 'password' })]);

    await t.http.post('/v1/auth/reset').send({ token, password: NEW_PASSWORD }).expect(204);
    expectError(await t.http.post('/v1/auth/reset').send({ token, password: NEW_PASSWORD }), 410, 'RESET_TOKEN_USED');
    // Sessions from before are over; the old password is refused, the new one works, and the address is verified.
    expectError(await me(before.accessToken), 401, 'SESSION_REVOKED');
    expectError(await refresh(before.refreshToken), 401, 'REFRESH_TOKEN_REVOKED');
    expectError(await t.http.post('/v1/auth/login').send({ email, password: PASSWORD }), 401, 'INVALID_CREDENTIALS');
    const after = await login(email, NEW_PASSWORD);
    expect((await me(after.accessToken).expect(200)).body.emailVerified).toBe(true);
    expect(resetMails(email)).toHaveLength(1);
  });

  it('refuses an unknown, an expired and a replaced reset link with their own codes', async () => {
    expectError(
      await t.http.post('/v1/auth/reset').send({ token: 'z'.repeat(43), password: NEW_PASSWORD }),
      404,
      'RESET_TOKEN_INVALID',
    );
    const email = newAddress();
    const session = await signupAs(email);
    await t.http.post('/v1/auth/recover').send({ email }).expect(202);
    const first = resetTokenOf(await smtp.waitFor(email, (m) => m.subject?.includes('Reset') ?? false));
    await t.http.post('/v1/auth/recover').send({ email }).expect(202);
    const second = resetTokenOf(
      await smtp.waitFor(email, (m) => resetMails(email).length >= 2 && m === resetMails(email)[1]),
    );
    // Asking again replaces the link.
    expectError(
      await t.http.post('/v1/auth/reset').send({ token: first, password: NEW_PASSWORD }),
      404,
      'RESET_TOKEN_INVALID',
    );
    await t.db.admin.query(`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      session.user.id,
    ]);
    expectError(
      await t.http.post('/v1/auth/reset').send({ token: second, password: NEW_PASSWORD }),
      410,
      'RESET_TOKEN_EXPIRED',
    );
    // Nothing changed: the old password still signs in.
    await login(email);
  });

  it('changes the password with the current one: other sessions end, the caller’s stays', async () => {
    const email = newAddress();
    const caller = await signupAs(email);
    const other = await login(email);
    await me(other.accessToken).expect(200);

    const wrong = await t.http
      .post('/v1/me/password')
      .set(bearer(caller.accessToken))
      .send({ currentPassword: 'not-my-password', newPassword: NEW_PASSWORD });
    expectError(wrong, 403, 'CURRENT_PASSWORD_INCORRECT');
    const weak = await t.http
      .post('/v1/me/password')
      .set(bearer(caller.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: '1234567890' });
    expectError(weak, 400, 'VALIDATION_FAILED');
    expect(weak.body.details).toEqual([expect.objectContaining({ field: 'newPassword' })]);
    // Neither attempt changed anything.
    await me(other.accessToken).expect(200);
    await login(email);

    await t.http
      .post('/v1/me/password')
      .set(bearer(caller.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
      .expect(204);
    await me(caller.accessToken).expect(200);
    await refresh(caller.refreshToken).expect(200);
    expectError(await me(other.accessToken), 401, 'SESSION_REVOKED');
    expectError(await refresh(other.refreshToken), 401, 'REFRESH_TOKEN_REVOKED');
    expectError(await t.http.post('/v1/auth/login').send({ email, password: PASSWORD }), 401, 'INVALID_CREDENTIALS');
    await login(email, NEW_PASSWORD);
  });

  it('housekeeping deletes spent, expired and long-revoked rows, and keeps what still matters', async () => {
    const hashOf = (token: string) => createHash('sha256').update(token).digest();
    const sidOf = (s: Session) => (jwt.decode(s.accessToken) as { sid: string }).sid;
    const live = await signupAs();
    const rotated = (await refresh(live.refreshToken).expect(200)).body as Session;
    const old = await signupAs();
    await t.http.post('/v1/auth/logout').set(bearer(old.accessToken)).expect(204);
    // The first session's spent token and the logged-out session, eight days on.
    await t.db.admin.query(`UPDATE refresh_tokens SET used_at = now() - interval '8 days' WHERE token_hash = $1`, [
      hashOf(live.refreshToken),
    ]);
    await t.db.admin.query(`UPDATE auth_sessions SET revoked_at = now() - interval '8 days' WHERE id = $1`, [
      sidOf(old),
    ]);
    expect(await t.app.get(SessionsHousekeeping).purge()).toBeGreaterThanOrEqual(2);

    const sessions = await t.db.admin.query<{ id: string }>('SELECT id FROM auth_sessions WHERE id = ANY($1)', [
      [sidOf(live), sidOf(old)],
    ]);
    expect(sessions).toEqual([{ id: sidOf(live) }]);
    // The spent token is forgotten (refused as unknown); the session and its newest token work on.
    expectError(await refresh(live.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
    expectError(await me(old.accessToken), 401, 'SESSION_REVOKED');
    await me(rotated.accessToken).expect(200);
    await refresh(rotated.refreshToken).expect(200);
  });

  it('leaves Supabase Auth tokens alone: no session to check, none to sign out', async () => {
    const sub = randomUUID();
    const token = jwt.sign(
      { email: `supa-${sub.slice(0, 8)}@example.test` },
      'test-supabase-secret-0123456789-abcdefghijkl',
      {
        algorithm: 'HS256',
        subject: sub,
        audience: 'authenticated',
        expiresIn: 600,
      },
    );
    await me(token).expect(200);
    expectError(await t.http.post('/v1/auth/logout').set(bearer(token)), 400, 'NOT_AN_EMBEDDED_SESSION');
    expectError(
      await t.http
        .post('/v1/me/password')
        .set(bearer(token))
        .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
      404,
      'NO_PASSWORD',
    );
    await me(token).expect(200);
  });
});

describe('Embedded auth sessions: rate limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp({ AUTH_RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(() => t?.close());

  it('answers the third recover within a minute with 429 RATE_LIMITED, Retry-After and the RateLimit headers', async () => {
    for (let i = 0; i < 2; i++) {
      const ok = await t.http.post('/v1/auth/recover').send({ email: 'nobody@example.test' }).expect(202);
      expect(ok.headers['ratelimit-limit']).toBe('2');
    }
    const res = await t.http.post('/v1/auth/recover').send({ email: 'nobody@example.test' });
    expectError(res, 429, 'RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });
    // Per route: refresh still has its own budget.
    expectError(
      await t.http.post('/v1/auth/refresh').send({ refreshToken: 'x'.repeat(43) }),
      401,
      'REFRESH_TOKEN_INVALID',
    );
  });
});
