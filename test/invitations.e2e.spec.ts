import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { BACKGROUND, bootApp, type TestApp } from './helpers/app.js';
import { addMember, as, createLead, createOrg, type Org, type User } from './helpers/fixtures.js';
import { startSmtp, type SmtpReceiver } from './helpers/smtp.js';

const PASSWORD = 'Harbor-lights-2026';
const APP_URL = 'https://crm.harbor.test';
const ATTACKER_PASSWORD = 'Sneaky-otter-lagoon-7731';

function expectError(res: { status: number; body: any }, statusCode: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: statusCode, code });
}

const tokenIn = (mail: ParsedMail): string => {
  const match = /\/invitations\/accept\?token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
  if (!match) throw new Error(`No invitation link in: ${mail.text}`);
  return match[1];
};

describe('Invitations', () => {
  let smtp: SmtpReceiver;
  let t: TestApp;
  let a: Org;
  let b: Org;
  let manager: User;
  let agent: User;
  let viewer: User;

  const address = (tag = 'i') => `${tag}-${randomUUID().slice(0, 8)}@example.test`;
  const invite = (by: User, org: Org, body: Record<string, unknown>) =>
    t.http.post('/v1/invitations').set(as(by, org.id)).send(body);
  /** Invites and returns the invitation and the token of the emailed link (the nth invitation mail to the address). */
  const inviteAndRead = async (by: User, org: Org, email: string, role: string, nth = 1) => {
    const res = await invite(by, org, { email, role }).expect(201);
    const mail = await smtp.waitFor(
      email,
      (m) => (m.subject?.includes('invited') ?? false) && invitationMails(email).indexOf(m) === nth - 1,
    );
    return { invitation: res.body, token: tokenIn(mail), mail };
  };
  const invitationMails = (email: string) => smtp.to(email).filter((m) => m.subject?.includes('invited'));
  const signupAs = async (email: string, extra: Record<string, unknown> = {}) => {
    const res = await t.http.post('/v1/auth/signup').send({ email, password: PASSWORD, fullName: 'Li Chen', ...extra });
    return res;
  };
  const userOf = (res: { body: any }, email: string): User => ({
    id: res.body.user.id,
    email,
    token: res.body.accessToken,
  });
  const accept = (user: User, token: string) => t.http.post(`/v1/invitations/${token}/accept`).set(as(user));
  /** Moves an invitation's last sending a minute back (its expiry with it), past the resend cooldown. */
  const sentAMinuteAgo = (id: string) =>
    t.db.admin.query(`UPDATE invitations SET expires_at = expires_at - interval '61 seconds' WHERE id = $1`, [id]);
  const roleIn = async (orgId: string, userId: string) =>
    (
      await t.db.admin.query<{ role: string }>(
        'SELECT role::text FROM memberships WHERE organization_id = $1 AND user_id = $2',
        [orgId, userId],
      )
    )[0]?.role;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await bootApp({ ...BACKGROUND, SMTP_URL: smtp.url, APP_URL });
    a = await createOrg(t.http, 'Harbor Realty');
    b = await createOrg(t.http, 'Bay Homes');
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('ADMIN invites: 201, an email with a one-time link valid 7 days, only its hash stored', async () => {
    const email = address('li');
    const { invitation, token, mail } = await inviteAndRead(a.admin, a, email.toUpperCase(), 'AGENT');
    expect(invitation).toEqual({
      id: expect.any(String),
      email,
      role: 'AGENT',
      status: 'PENDING',
      invitedById: a.admin.id,
      expiresAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const days = (Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);
    expect(mail.subject).toBe('You are invited to join Harbor Realty');
    expect(mail.text).toContain(`${APP_URL}/invitations/accept?token=${token}`);
    const [row] = await t.db.admin.query<{ hash: string }>(
      "SELECT encode(token_hash, 'hex') AS hash FROM invitations WHERE id = $1",
      [invitation.id],
    );
    expect(row.hash).toBe(createHash('sha256').update(token).digest('hex'));
    // One open invitation per address: 409 naming it.
    const again = await invite(a.admin, a, { email, role: 'VIEWER' });
    expectError(again, 409, 'ALREADY_INVITED');
    expect(again.body.ref).toEqual({ invitationIds: [invitation.id] });
  });

  it("refuses a member's own address 409 ALREADY_MEMBER at creation; a member of another organization, or no one, is invited (controls)", async () => {
    // The AGENT's address, in any case: already in organization A.
    const taken = await invite(a.admin, a, { email: agent.email.toUpperCase(), role: 'VIEWER' });
    expectError(taken, 409, 'ALREADY_MEMBER');
    expect(taken.body.ref).toEqual({ userIds: [agent.id] });
    // A MANAGER gets the same answer (a member's address is no secret to members).
    expectError(await invite(manager, a, { email: viewer.email, role: 'AGENT' }), 409, 'ALREADY_MEMBER');
    const open = await t.db.admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM invitations WHERE organization_id = $1 AND email IN ($2, $3)',
      [a.id, agent.email, viewer.email],
    );
    expect(open[0].n).toBe(0);
    // Controls: B's ADMIN is a member of B, not of A, so A may invite them; an unknown address too.
    await invite(a.admin, a, { email: b.admin.email, role: 'AGENT' }).expect(201);
    await invite(a.admin, a, { email: address('new'), role: 'AGENT' }).expect(201);
  });

  it('enforces the role ceiling: a MANAGER invites AGENTs and VIEWERs only; AGENT and VIEWER cannot invite', async () => {
    await invite(manager, a, { email: address(), role: 'AGENT' }).expect(201);
    await invite(manager, a, { email: address(), role: 'VIEWER' }).expect(201);
    expectError(await invite(manager, a, { email: address(), role: 'MANAGER' }), 403, 'FORBIDDEN');
    expectError(await invite(manager, a, { email: address(), role: 'ADMIN' }), 403, 'FORBIDDEN');
    expectError(await invite(agent, a, { email: address(), role: 'VIEWER' }), 403, 'FORBIDDEN');
    expectError(await invite(viewer, a, { email: address(), role: 'VIEWER' }), 403, 'FORBIDDEN');
    expectError(await t.http.get('/v1/invitations').set(as(agent, a.id)), 403, 'FORBIDDEN');
    // A MANAGER cannot resend or revoke an ADMIN's invitation for a MANAGER either.
    const high = (await invite(a.admin, a, { email: address(), role: 'MANAGER' }).expect(201)).body;
    expectError(await t.http.post(`/v1/invitations/${high.id}/resend`).set(as(manager, a.id)), 404, 'NOT_FOUND');
    expectError(await t.http.delete(`/v1/invitations/${high.id}`).set(as(manager, a.id)), 404, 'NOT_FOUND');
    // Nor read its history: the audit shows a MANAGER the invitations they may see (the ADMIN, control, sees both).
    const low = (await invite(a.admin, a, { email: address(), role: 'AGENT' }).expect(201)).body;
    const historyOf = async (user: User, id: string) =>
      (await t.http.get(`/v1/audit?table=invitations&recordId=${id}`).set(as(user, a.id)).expect(200)).body.data;
    expect(await historyOf(manager, high.id)).toEqual([]);
    expect(await historyOf(manager, low.id)).toHaveLength(1);
    expect(await historyOf(a.admin, high.id)).toHaveLength(1);
    // The database holds the ceiling too, whatever the API does.
    await expect(
      t.db.admin.query(
        `DO $$ BEGIN
           PERFORM set_config('role', 'crm_app', true);
           PERFORM set_config('app.current_user_id', '${manager.id}', true);
           PERFORM set_config('app.current_org_id', '${a.id}', true);
           PERFORM set_config('app.current_role', 'MANAGER', true);
           INSERT INTO invitations (organization_id, email, role, token_hash, expires_at)
             VALUES ('${a.id}', 'sneaky@example.test', 'ADMIN', decode(repeat('ab', 32), 'hex'), now() + interval '1 day');
         END $$`,
      ),
    ).rejects.toThrow(/row-level security/);
    expectError(await invite(a.admin, a, { email: 'not-an-email', role: 'AGENT' }), 400, 'VALIDATION_FAILED');
    expectError(await invite(a.admin, a, { email: address(), role: 'OWNER' }), 400, 'VALIDATION_FAILED');
  });

  it('lists open invitations, paginated; a MANAGER sees AGENT/VIEWER ones; another organization sees none of them', async () => {
    const org = await createOrg(t.http, 'Listing Realty');
    const mgr = await addMember(t.http, org, 'MANAGER');
    const first = (await invite(org.admin, org, { email: address(), role: 'AGENT' }).expect(201)).body;
    const second = (await invite(org.admin, org, { email: address(), role: 'MANAGER' }).expect(201)).body;
    const third = (await invite(org.admin, org, { email: address(), role: 'VIEWER' }).expect(201)).body;
    const revoked = (await invite(org.admin, org, { email: address(), role: 'VIEWER' }).expect(201)).body;
    await t.http.delete(`/v1/invitations/${revoked.id}`).set(as(org.admin, org.id)).expect(204);

    const all = await t.http.get('/v1/invitations').set(as(org.admin, org.id)).expect(200);
    expect(all.body.data.map((i: any) => i.id)).toEqual([first.id, second.id, third.id]);
    expect(all.body.meta).toEqual({ page: 1, pageSize: 25, total: 3, totalPages: 1 });
    const page2 = await t.http.get('/v1/invitations?page=2&pageSize=2').set(as(org.admin, org.id)).expect(200);
    expect(page2.body.data.map((i: any) => i.id)).toEqual([third.id]);
    expect(page2.body.meta).toEqual({ page: 2, pageSize: 2, total: 3, totalPages: 2 });
    const mine = await t.http.get('/v1/invitations').set(as(mgr, org.id)).expect(200);
    expect(mine.body.data.map((i: any) => i.id)).toEqual([first.id, third.id]);
    // Expired ones stay listed, as EXPIRED, until resent or revoked.
    await t.db.admin.query(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [first.id]);
    const after = await t.http.get('/v1/invitations').set(as(org.admin, org.id)).expect(200);
    expect(after.body.data[0]).toMatchObject({ id: first.id, status: 'EXPIRED' });

    // Cross-tenant: B's ADMIN sees none and cannot resend or revoke (control: the owner can).
    const other = await t.http.get('/v1/invitations').set(as(b.admin, b.id)).expect(200);
    expect(other.body.data.map((i: any) => i.id)).not.toContain(first.id);
    expectError(await t.http.post(`/v1/invitations/${third.id}/resend`).set(as(b.admin, b.id)), 404, 'NOT_FOUND');
    expectError(await t.http.delete(`/v1/invitations/${third.id}`).set(as(b.admin, b.id)), 404, 'NOT_FOUND');
    expectError(await t.http.get('/v1/invitations').set(as(b.admin, org.id)), 403, 'NOT_A_MEMBER');
    await sentAMinuteAgo(third.id);
    await t.http.post(`/v1/invitations/${third.id}/resend`).set(as(org.admin, org.id)).expect(200);
    // One invitation by id (where POST's Location points): the owner reads it; B's ADMIN gets 404; revoked, 404.
    expect((await t.http.get(`/v1/invitations/${third.id}`).set(as(org.admin, org.id)).expect(200)).body).toMatchObject(
      { id: third.id, status: 'PENDING' },
    );
    expectError(await t.http.get(`/v1/invitations/${third.id}`).set(as(b.admin, b.id)), 404, 'NOT_FOUND');
    expectError(await t.http.get(`/v1/invitations/${revoked.id}`).set(as(org.admin, org.id)), 404, 'NOT_FOUND');
  });

  it('accepts for the signed-in user whose address matches (case-insensitively), with the invited role', async () => {
    const email = address('match');
    const res = await signupAs(email.toUpperCase());
    expect(res.status).toBe(201);
    const user = userOf(res, email);
    const { token, invitation } = await inviteAndRead(a.admin, a, email, 'VIEWER');
    const invitationId = invitation.id as string;
    const accepted = await accept(user, token);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ organizationId: a.id, role: 'VIEWER' });
    expect(await roleIn(a.id, user.id)).toBe('VIEWER');
    await t.http.get('/v1/leads').set(as(user, a.id)).expect(200);
    // The link went to the address: the account is verified now.
    expect((await t.http.get('/v1/me').set(as(user)).expect(200)).body.emailVerified).toBe(true);
    // Used: 410, and nothing changes; no longer listed, resent or revoked.
    expectError(await accept(user, token), 410, 'INVITATION_USED');
    expectError(await t.http.post(`/v1/invitations/${invitationId}/resend`).set(as(a.admin, a.id)), 404, 'NOT_FOUND');
    expectError(await t.http.delete(`/v1/invitations/${invitationId}`).set(as(a.admin, a.id)), 404, 'NOT_FOUND');
    const list = await t.http.get('/v1/invitations?pageSize=100').set(as(a.admin, a.id)).expect(200);
    expect(list.body.data.map((i: any) => i.email)).not.toContain(email);
  });

  it('refuses a mismatched address 403 (nothing joined), unknown and malformed tokens 404, revoked and expired 410', async () => {
    const email = address('target');
    const { invitation, token } = await inviteAndRead(a.admin, a, email, 'AGENT');
    const stranger = userOf(await signupAs(address('stranger')), '');
    expectError(await accept(stranger, token), 403, 'INVITATION_EMAIL_MISMATCH');
    expect(await roleIn(a.id, stranger.id)).toBeUndefined();
    expectError(await accept(stranger, 'A'.repeat(43)), 404, 'INVITATION_NOT_FOUND');
    expectError(await accept(stranger, 'short'), 404, 'INVITATION_NOT_FOUND');
    expectError(await t.http.post(`/v1/invitations/${token}/accept`), 401, 'UNAUTHORIZED');

    const target = userOf(await signupAs(email), email);
    await t.db.admin.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      invitation.id,
    ]);
    expectError(await accept(target, token), 410, 'INVITATION_EXPIRED');
    await t.http.delete(`/v1/invitations/${invitation.id}`).set(as(a.admin, a.id)).expect(204);
    expectError(await accept(target, token), 410, 'INVITATION_REVOKED');
    expectError(await t.http.delete(`/v1/invitations/${invitation.id}`).set(as(a.admin, a.id)), 404, 'NOT_FOUND');
    expect(await roleIn(a.id, target.id)).toBeUndefined();
  });

  it('resend rotates the link (the old one dies) and renews an expired invitation for 7 days', async () => {
    const email = address('resend');
    const { invitation, token: oldToken } = await inviteAndRead(manager, a, email, 'AGENT');
    await t.db.admin.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      invitation.id,
    ]);
    const resent = await t.http.post(`/v1/invitations/${invitation.id}/resend`).set(as(manager, a.id)).expect(200);
    expect(resent.body).toMatchObject({ id: invitation.id, status: 'PENDING' });
    expect((Date.parse(resent.body.expiresAt) - Date.now()) / 86_400_000).toBeCloseTo(7, 2);
    const mail = await smtp.waitFor(email, () => invitationMails(email).length >= 2);
    const newToken = tokenIn(invitationMails(email)[1] ?? mail);
    expect(newToken).not.toBe(oldToken);
    const user = userOf(await signupAs(email), email);
    expectError(await accept(user, oldToken), 404, 'INVITATION_NOT_FOUND');
    await accept(user, newToken).expect(200);
    expect(await roleIn(a.id, user.id)).toBe('AGENT');
  });

  it('refuses another sending to an address within a minute (resend, or revoke and invite again): 429 with Retry-After', async () => {
    const email = address('cooldown');
    const { invitation, token } = await inviteAndRead(a.admin, a, email, 'VIEWER');
    const tooSoon = await t.http.post(`/v1/invitations/${invitation.id}/resend`).set(as(a.admin, a.id));
    expectError(tooSoon, 429, 'RATE_LIMITED');
    const retryAfter = Number(tooSoon.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Nothing changed: the same expiry, the first link still the live one, one email.
    const [row] = await t.db.admin.query<{ expires_at: Date }>('SELECT expires_at FROM invitations WHERE id = $1', [
      invitation.id,
    ]);
    expect(row!.expires_at.toISOString()).toBe(invitation.expiresAt);
    expect(invitationMails(email)).toHaveLength(1);
    // Control: a minute later, the resend goes out with a new link; right after it, the cooldown again.
    await sentAMinuteAgo(invitation.id);
    await t.http.post(`/v1/invitations/${invitation.id}/resend`).set(as(a.admin, a.id)).expect(200);
    const mail = await smtp.waitFor(email, () => invitationMails(email).length >= 2);
    expect(tokenIn(invitationMails(email)[1] ?? mail)).not.toBe(token);
    expectError(
      await t.http.post(`/v1/invitations/${invitation.id}/resend`).set(as(a.admin, a.id)),
      429,
      'RATE_LIMITED',
    );
    // Revoking and inviting the address again is no way around it; a minute later it is (control).
    await t.http.delete(`/v1/invitations/${invitation.id}`).set(as(a.admin, a.id)).expect(204);
    expectError(await invite(a.admin, a, { email, role: 'VIEWER' }), 429, 'RATE_LIMITED');
    await sentAMinuteAgo(invitation.id);
    await invite(a.admin, a, { email, role: 'VIEWER' }).expect(201);
  });

  it('signs up through an invitation: verified, a member at once, no verification mail; a mismatched email creates nothing', async () => {
    const email = address('direct');
    const { token } = await inviteAndRead(a.admin, a, email, 'MANAGER');
    const wrong = address('wrong');
    expectError(await signupAs(wrong, { invitationToken: token }), 403, 'INVITATION_EMAIL_MISMATCH');
    expect(await t.db.admin.query('SELECT 1 FROM profiles WHERE email = $1', [wrong])).toEqual([]);
    expectError(await signupAs(address(), { invitationToken: 'B'.repeat(43) }), 404, 'INVITATION_NOT_FOUND');
    expectError(await signupAs(address(), { invitationToken: 'not a token' }), 400, 'VALIDATION_FAILED');

    const res = await signupAs(email, { invitationToken: token });
    expect(res.status).toBe(201);
    expect(res.body.user.emailVerified).toBe(true);
    const user = userOf(res, email);
    expect(await roleIn(a.id, user.id)).toBe('MANAGER');
    await t.http.get('/v1/leads').set(as(user, a.id)).expect(200);
    expect(await t.db.admin.query(`SELECT 1 FROM email_verifications WHERE user_id = $1`, [user.id])).toEqual([]);
    expectError(await signupAs(address(), { invitationToken: token }), 410, 'INVITATION_USED');
  });

  it('the invite hijack fails: an attacker who signed up first with the hire’s address never joins; the real hire does', async () => {
    const hire = address('new-hire');
    const lead = await createLead(t.http, a.admin, a.id, { name: 'Confidential seller' });
    // The attacker signs up first with the hire's address (and cannot verify it: the link goes to the hire).
    const attacker = userOf(await signupAs(hire, { password: ATTACKER_PASSWORD, fullName: 'Mallory' }), hire);
    expect(attacker.id).toEqual(expect.any(String));
    // The ADMIN adds the address as a member: refused, with the pointer to invitations.
    const added = await t.http.post('/v1/members').set(as(a.admin, a.id)).send({ email: hire, role: 'MANAGER' });
    expectError(added, 422, 'EMAIL_NOT_VERIFIED');
    expect(added.body.message).toContain('invitation');
    // The ADMIN invites the address: the link goes to the hire's mailbox, not to the attacker.
    const { token } = await inviteAndRead(a.admin, a, hire, 'MANAGER');
    expect(await roleIn(a.id, attacker.id)).toBeUndefined();
    expectError(await t.http.get(`/v1/leads/${lead.id}`).set(as(attacker, a.id)), 403, 'NOT_A_MEMBER');
    expectError(await t.http.get('/v1/members').set(as(attacker, a.id)), 403, 'NOT_A_MEMBER');
    // Guessing tokens gets nowhere.
    expectError(await accept(attacker, 'C'.repeat(43)), 404, 'INVITATION_NOT_FOUND');

    // The real hire signs up through the link: the address is theirs now; the attacker's account loses it.
    const res = await signupAs(hire, { invitationToken: token, fullName: 'Real Hire' });
    expect(res.status).toBe(201);
    const real = userOf(res, hire);
    expect(real.id).not.toBe(attacker.id);
    expect(await roleIn(a.id, real.id)).toBe('MANAGER');
    await t.http.get(`/v1/leads/${lead.id}`).set(as(real, a.id)).expect(200);
    // The attacker can no longer sign in with the address, is in no organization, reads nothing.
    expectError(
      await t.http.post('/v1/auth/login').send({ email: hire, password: ATTACKER_PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
    const login = await t.http.post('/v1/auth/login').send({ email: hire, password: PASSWORD }).expect(200);
    expect(login.body.user.id).toBe(real.id);
    expect(await roleIn(a.id, attacker.id)).toBeUndefined();
    expectError(await t.http.get(`/v1/leads/${lead.id}`).set(as(attacker, a.id)), 403, 'NOT_A_MEMBER');
  });

  it('an unverified account that belongs to an organization keeps its address: the sign-up through the invitation is 409', async () => {
    // The invitee signed up long ago, never clicked the verification link, and runs an organization with that account.
    const email = address('unverified-owner');
    const owner = userOf(await signupAs(email), email);
    const own = await t.http.post('/v1/organizations').set(as(owner)).send({ name: 'Own Office' }).expect(201);
    const { token } = await inviteAndRead(a.admin, a, email, 'AGENT');
    const res = await signupAs(email, { invitationToken: token, fullName: 'Second Account' });
    expectError(res, 409, 'EMAIL_TAKEN');
    // Nothing was released: the account still signs in and reaches its organization; the invitation is still open.
    const login = await t.http.post('/v1/auth/login').send({ email, password: PASSWORD }).expect(200);
    expect(login.body.user.id).toBe(owner.id);
    await t.http
      .get('/v1/leads')
      .set(as(owner, own.body.id as string))
      .expect(200);
    // Signed in, the same account accepts with the link (which verifies its address).
    await accept(owner, token).expect(200);
    expect(await roleIn(a.id, owner.id)).toBe('AGENT');
  });

  it('a verified account holding the address cannot be displaced by a sign-up through an invitation (409 EMAIL_TAKEN)', async () => {
    const email = address('owner');
    const owner = userOf(await signupAs(email), email);
    await t.db.admin.query('UPDATE profiles SET email_verified_at = now() WHERE id = $1', [owner.id]);
    const { token } = await inviteAndRead(a.admin, a, email, 'AGENT');
    expectError(await signupAs(email, { invitationToken: token }), 409, 'EMAIL_TAKEN');
    // The owner accepts instead.
    await accept(owner, token).expect(200);
    expect(await roleIn(a.id, owner.id)).toBe('AGENT');
    expectError(await accept(owner, token), 410, 'INVITATION_USED');
  });
});
