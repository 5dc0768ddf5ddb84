import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { BACKGROUND, bootApp, SUPABASE_SECRET, type TestApp } from './helpers/app.js';
import { as, createOrg, type Org, type User } from './helpers/fixtures.js';
import { startGoTrueStub, type GoTrueStub } from './helpers/gotrue-stub.js';
import { startSmtp, type SmtpReceiver } from './helpers/smtp.js';

const APP_URL = 'https://crm.harbor.test';
const SERVICE_ROLE_KEY = 'test-service-role-key-0123456789-abcdefghijkl';

const tokenIn = (text: string): string => {
  const match = /\/invitations\/accept\?token=([A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error(`No invitation link in: ${text}`);
  return match[1];
};

/** A Supabase Auth access token, as GoTrue issues one after its invite link set the password. */
const supabaseUser = (email: string): User => {
  const id = randomUUID();
  const token = jwt.sign({ email, role: 'authenticated' }, SUPABASE_SECRET, {
    algorithm: 'HS256',
    subject: id,
    audience: 'authenticated',
    expiresIn: 600,
  });
  return { id, email, token };
};

describe('Invitations through Supabase Auth (SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY set)', () => {
  let gotrue: GoTrueStub;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let a: Org;

  const address = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`;
  const invite = (email: string, role = 'AGENT') =>
    t.http.post('/v1/invitations').set(as(a.admin, a.id)).send({ email, role });
  const accept = (user: User, token: string) => t.http.post(`/v1/invitations/${token}/accept`).set(as(user));
  const outboxed = async (email: string) =>
    (
      await t.db.admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM email_outbox WHERE to_address = $1 AND kind = 'INVITATION'",
        [email],
      )
    )[0].n;
  const roleIn = async (userId: string) =>
    (
      await t.db.admin.query<{ role: string }>(
        'SELECT role::text FROM memberships WHERE organization_id = $1 AND user_id = $2',
        [a.id, userId],
      )
    )[0]?.role;

  beforeAll(async () => {
    gotrue = await startGoTrueStub();
    smtp = await startSmtp();
    t = await bootApp({
      ...BACKGROUND,
      SMTP_URL: smtp.url,
      APP_URL,
      SUPABASE_URL: gotrue.url,
      SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
      // Attachments stay on disk: only invitations are under test here.
      STORAGE_DRIVER: 'local',
    });
    a = await createOrg(t.http, 'Harbor Realty');
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await gotrue?.close();
  });

  it('invites through GoTrue with the service key and our accept link as redirectTo, sends no email of ours; the Supabase user accepts', async () => {
    const email = address('li');
    const created = await invite(email.toUpperCase(), 'MANAGER').expect(201);
    expect(created.body).toMatchObject({ email, role: 'MANAGER', status: 'PENDING' });

    expect(gotrue.calls).toHaveLength(1);
    const [call] = gotrue.calls;
    expect(call).toMatchObject({
      method: 'POST',
      path: '/auth/v1/invite',
      apikey: SERVICE_ROLE_KEY,
      authorization: `Bearer ${SERVICE_ROLE_KEY}`,
      body: { email, data: { organizationName: 'Harbor Realty', role: 'MANAGER' } },
    });
    const redirectTo = call.query.get('redirect_to') ?? '';
    expect(redirectTo.startsWith(`${APP_URL}/invitations/accept?token=`)).toBe(true);
    const token = tokenIn(redirectTo);

    // Supabase sends the one email: ours is not written, let alone delivered.
    expect(await outboxed(email)).toBe(0);

    // Someone else's Supabase account cannot use the link (the address decides)…
    const other = supabaseUser(address('other'));
    const mismatch = await accept(other, token);
    expect({ status: mismatch.status, code: mismatch.body.code }).toEqual({
      status: 403,
      code: 'INVITATION_EMAIL_MISMATCH',
    });
    // …the invited person, signed in through Supabase with the address its invite confirmed, joins.
    const invited = supabaseUser(email);
    const res = await accept(invited, token).expect(200);
    expect(res.body).toEqual({ organizationId: a.id, role: 'MANAGER' });
    expect(await roleIn(invited.id)).toBe('MANAGER');
    expect(await roleIn(other.id)).toBeUndefined();
  });

  it('falls back to our own email when GoTrue already has the user (422 email_exists); that link works', async () => {
    gotrue.mode = 'email_exists';
    const before = gotrue.calls.length;
    const email = address('known');
    const key = randomUUID();
    const created = await invite(email).set('idempotency-key', key).expect(201);
    expect(gotrue.calls.length).toBe(before + 1);
    // The fallback's second unit of work records the same answer: a replay gets the invitation, nothing else.
    const replay = await invite(email).set('idempotency-key', key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(created.body);
    expect(gotrue.calls.length).toBe(before + 1);
    expect(gotrue.calls.at(-1)?.body).toMatchObject({ email });

    const mail = await smtp.waitFor(email, (m) => m.subject?.includes('invited') ?? false);
    const token = tokenIn(mail.text ?? '');
    // The same link GoTrue was given: one token per invitation.
    expect(tokenIn(gotrue.calls.at(-1)?.query.get('redirect_to') ?? '')).toBe(token);
    const invited = supabaseUser(email);
    await accept(invited, token).expect(200);
    expect(await roleIn(invited.id)).toBe('AGENT');
  });

  it('resend goes the same way: a new link, through GoTrue first, then our email when GoTrue declines', async () => {
    gotrue.mode = 'email_exists';
    const email = address('again');
    const created = await invite(email).expect(201);
    const first = tokenIn((await smtp.waitFor(email, (m) => m.subject?.includes('invited') ?? false)).text ?? '');
    const before = gotrue.calls.length;
    // Past the resend cooldown (a minute after the last sending).
    await t.db.admin.query(`UPDATE invitations SET expires_at = expires_at - interval '61 seconds' WHERE id = $1`, [
      created.body.id,
    ]);
    await t.http.post(`/v1/invitations/${created.body.id}/resend`).set(as(a.admin, a.id)).expect(200);
    expect(gotrue.calls.length).toBe(before + 1);
    const resent = await smtp.waitFor(
      email,
      (m) => (m.subject?.includes('invited') ?? false) && tokenIn(m.text ?? '') !== first,
    );
    const invited = supabaseUser(email);
    expect((await accept(invited, first)).status).toBe(404);
    await accept(invited, tokenIn(resent.text ?? '')).expect(200);
  });

  it('does not lose the invitation when GoTrue is unreachable: 201, our own email, whose link works', async () => {
    await gotrue.close();
    const before = gotrue.calls.length;
    const email = address('down');
    await invite(email, 'VIEWER').expect(201);
    expect(gotrue.calls.length).toBe(before);
    const mail = await smtp.waitFor(email, (m) => m.subject?.includes('invited') ?? false);
    expect(mail.text).toContain(`${APP_URL}/invitations/accept?token=`);
    // The service key is never in what the person receives.
    expect(mail.text).not.toContain(SERVICE_ROLE_KEY);
    const invited = supabaseUser(email);
    await accept(invited, tokenIn(mail.text ?? '')).expect(200);
    expect(await roleIn(invited.id)).toBe('VIEWER');
  });
});
