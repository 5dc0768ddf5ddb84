import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TenantDb } from '../src/database/tenant-db.js';
import { EmailService } from '../src/email/email.service.js';
import { EmailWorker } from '../src/email/email.worker.js';
import { HousekeepingService } from '../src/jobs/housekeeping.service.js';
import { BACKGROUND, bootApp, type TestApp } from './helpers/app.js';
import { addMember, as, createLead, createOrg, type Org, type User } from './helpers/fixtures.js';
import { createContact } from './helpers/records.js';
import { asApp } from './helpers/sql-as-app.js';
import { startSmtp, type SmtpReceiver } from './helpers/smtp.js';
import { createTicket } from './helpers/tickets.js';

const HOSTILE = `<b>Tom & "Jerry"</b>`;
const ESCAPED = '&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;';

describe('Email: the outbox, its delivery by SMTP, templates and preferences', () => {
  let smtp: SmtpReceiver;
  let t: TestApp;
  let a: Org;
  let agent: User;

  const outboxTo = (address: string) =>
    t.db.admin.query<{ id: string; kind: string; status: string; attempts: number; last_error: string | null }>(
      // Account mail (the sign-up's verification link) is test/email-verification.e2e.spec.ts's.
      `SELECT id, kind, status, attempts, last_error FROM email_outbox
        WHERE to_address = $1 AND kind <> 'EMAIL_VERIFICATION' ORDER BY created_at`,
      [address],
    );

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await bootApp({ ...BACKGROUND, SMTP_URL: smtp.url, EMAIL_FROM: 'Harbor CRM <crm@harbor.test>' });
    a = await createOrg(t.http, 'A');
    agent = await addMember(t.http, a, 'AGENT');
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('emails a lead assignment beside the notification, every value HTML-escaped', async () => {
    const lead = await createLead(t.http, a.admin, a.id, { name: HOSTILE, assignedToId: agent.id });
    const mail = await smtp.waitFor(agent.email, (m) => m.subject?.includes('Tom') ?? false);
    expect(mail.subject).toBe(`Lead assigned to you: ${HOSTILE}`);
    expect(mail.from?.text).toContain('crm@harbor.test');
    expect(mail.text).toContain(`- ${HOSTILE}`);
    expect(mail.html).toContain(ESCAPED);
    expect(mail.html).not.toContain('<b>Tom');
    const notes = await t.http.get('/v1/notifications').set(as(agent, a.id)).expect(200);
    expect(notes.body.data.map((n: { data: { leadId?: string } }) => n.data.leadId)).toContain(lead.id);
    const [row] = (await outboxTo(agent.email)).filter((r) => r.kind === 'LEAD_ASSIGNED');
    expect(row).toMatchObject({ status: 'SENT', attempts: 1 });
  });

  it('sends nothing for a unit of work that rolls back after asking for an email', async () => {
    const address = `rollback-${randomUUID().slice(0, 8)}@example.test`;
    const db = t.app.get(TenantDb);
    const email = t.app.get(EmailService);
    await expect(
      db.runTrusted({ orgId: a.id, userId: a.admin.id, role: 'ADMIN' }, async () => {
        await email.enqueue('LEAD_ASSIGNED', address, { subject: 'never', text: 'never', html: '<p>never</p>' });
        throw new Error('the change fails after the email was asked for');
      }),
    ).rejects.toThrow('the change fails');
    // Control: the same call committed is delivered.
    await db.runTrusted({ orgId: a.id, userId: a.admin.id, role: 'ADMIN' }, () =>
      email.enqueue('LEAD_ASSIGNED', address, { subject: 'committed', text: 'committed', html: '<p>committed</p>' }),
    );
    await smtp.waitFor(address, (m) => m.subject === 'committed');
    await sleep(300);
    expect(smtp.to(address).map((m) => m.subject)).toEqual(['committed']);
    expect(await outboxTo(address)).toHaveLength(1);
  });

  it('respects preferences: muted → notification only; unmuted → email again', async () => {
    const muted = await t.http
      .patch('/v1/me/notification-preferences')
      .set(as(agent))
      .send({ email: { LEAD_ASSIGNED: false } })
      .expect(200);
    expect(muted.body.email).toMatchObject({ LEAD_ASSIGNED: false, TICKET_ASSIGNED: true });
    const quiet = await createLead(t.http, a.admin, a.id, { name: 'Quiet Lead', assignedToId: agent.id });
    const notes = await t.http.get('/v1/notifications').set(as(agent, a.id)).expect(200);
    expect(notes.body.data.map((n: { data: { leadId?: string } }) => n.data.leadId)).toContain(quiet.id);

    await t.http
      .patch('/v1/me/notification-preferences')
      .set(as(agent))
      .send({ email: { LEAD_ASSIGNED: true } })
      .expect(200);
    await createLead(t.http, a.admin, a.id, { name: 'Loud Lead', assignedToId: agent.id });
    await smtp.waitFor(agent.email, (m) => m.subject === 'Lead assigned to you: Loud Lead');
    expect(smtp.to(agent.email).filter((m) => m.subject?.includes('Quiet Lead'))).toEqual([]);
    expect((await outboxTo(agent.email)).length).toBe(2);
  });

  it('emails a ticket reply to the customer with a working share link; internal or without address → 422, nothing saved', async () => {
    const customer = `cust-${randomUUID().slice(0, 8)}@example.test`;
    const contact = await createContact(t.http, a.admin, a.id, { name: 'Dana <Customer>', email: customer });
    const ticket = await createTicket(t.http, a.admin, a.id, { title: 'Leaky faucet', contactId: contact.id });
    await t.http
      .post(`/v1/tickets/${ticket.id}/comments`)
      .set(as(a.admin, a.id))
      .send({ body: 'Plumber on Thursday <9am> & "sharp"', emailCustomer: true })
      .expect(201);
    const mail = await smtp.waitFor(customer);
    expect(mail.subject).toBe(`[T-${ticket.number}] New reply: Leaky faucet`);
    expect(mail.text).toContain('Plumber on Thursday <9am> & "sharp"');
    expect(mail.html).toContain('Plumber on Thursday &lt;9am&gt; &amp; &quot;sharp&quot;');
    expect(mail.html).toContain('Hi Dana &lt;Customer&gt;,');
    const link = /\/v1\/public\/tickets\/[A-Za-z0-9_-]{43}/.exec(mail.text ?? '')?.[0];
    expect(link).toBeDefined();
    const view = await t.http.get(link!).expect(200);
    expect(view.body.title).toBe('Leaky faucet');

    const before = await t.http.get(`/v1/tickets/${ticket.id}/comments`).set(as(a.admin, a.id)).expect(200);
    const internal = await t.http
      .post(`/v1/tickets/${ticket.id}/comments`)
      .set(as(a.admin, a.id))
      .send({ body: 'note', isInternal: true, emailCustomer: true })
      .expect(422);
    expect(internal.body.details[0].field).toBe('emailCustomer');
    const bare = await createTicket(t.http, a.admin, a.id, { title: 'No contact' });
    await t.http
      .post(`/v1/tickets/${bare.id}/comments`)
      .set(as(a.admin, a.id))
      .send({ body: 'hello', emailCustomer: true })
      .expect(422);
    const after = await t.http.get(`/v1/tickets/${ticket.id}/comments`).set(as(a.admin, a.id)).expect(200);
    expect(after.body.meta.total).toBe(before.body.meta.total);
    const bareComments = await t.http.get(`/v1/tickets/${bare.id}/comments`).set(as(a.admin, a.id)).expect(200);
    expect(bareComments.body.meta.total).toBe(0);
    expect(smtp.to(customer)).toHaveLength(1);
  });

  it('records a refused attempt and delivers on the next one, once', async () => {
    const user = await addMember(t.http, a, 'AGENT');
    // The sign-up's verification email first, so the refusal falls on the assignment's.
    await smtp.waitFor(user.email, (m) => m.subject?.includes('Confirm') ?? false);
    const assignments = () => smtp.to(user.email).filter((m) => m.subject?.includes('Retry Lead'));
    smtp.refuseNext(1);
    await createLead(t.http, a.admin, a.id, { name: 'Retry Lead', assignedToId: user.id });
    for (let i = 0; i < 100 && !(await outboxTo(user.email))[0]?.last_error; i++) await sleep(50);
    const [failed] = await outboxTo(user.email);
    expect(failed).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(failed.last_error).toContain('Try again later');
    // The job's retry (tens of seconds away) or this direct call, whichever comes first, sends it.
    await t.app.get(EmailWorker).deliver({ data: { organizationId: a.id, id: failed.id } });
    await smtp.waitFor(user.email, (m) => m.subject?.includes('Retry Lead') ?? false);
    const [sent] = await outboxTo(user.email);
    expect(sent).toMatchObject({ status: 'SENT', attempts: 2, last_error: null });
    // Sent is final: delivering again sends nothing.
    await t.app.get(EmailWorker).deliver({ data: { organizationId: a.id, id: failed.id } });
    await sleep(200);
    expect(assignments()).toHaveLength(1);
  });

  it('the sweep sends a message left PENDING (the process died between commit and send)', async () => {
    const address = `swept-${randomUUID().slice(0, 8)}@example.test`;
    await t.db.admin.query(
      `INSERT INTO email_outbox (organization_id, id, kind, to_address, subject, text, html, created_at)
       VALUES ($1, $2, 'LEAD_ASSIGNED', $3, 'Left behind', 'text', '<p>html</p>', now() - interval '5 minutes')`,
      [a.id, randomUUID(), address],
    );
    expect(await t.app.get(EmailWorker).sweep()).toBeGreaterThanOrEqual(1);
    const mail = await smtp.waitFor(address);
    expect(mail.subject).toBe('Left behind');
    expect((await outboxTo(address))[0]).toMatchObject({ status: 'SENT' });
  });

  it('deletes sent and failed messages after 14 days, never a pending one or a recent one', async () => {
    const rows: [string, string, string][] = [
      ['SENT', '15 days', 'old-sent'],
      ['FAILED', '15 days', 'old-failed'],
      ['PENDING', '15 days', 'old-pending'],
      ['SENT', '13 days', 'recent-sent'],
    ];
    const tag = randomUUID().slice(0, 8);
    for (const [status, age, name] of rows) {
      await t.db.admin.query(
        // Leased, so the background sweep leaves the pending one alone meanwhile.
        `INSERT INTO email_outbox (organization_id, id, kind, to_address, subject, text, html, status, created_at, locked_until)
         VALUES ($1, $2, 'LEAD_ASSIGNED', $3, 'Retention', 'text', '<p>html</p>', $4, now() - $5::interval, now() + interval '1 hour')`,
        [a.id, randomUUID(), `${name}-${tag}@example.test`, status, age],
      );
    }
    const task = t.app
      .get(HousekeepingService)
      .list()
      .find((x) => x.name === 'housekeeping.email-outbox')!;
    expect(await task.run()).toBeGreaterThanOrEqual(2);
    const left = await t.db.admin.query<{ to_address: string }>(
      'SELECT to_address FROM email_outbox WHERE to_address LIKE $1 ORDER BY to_address',
      [`%-${tag}@example.test`],
    );
    expect(left.map((r) => r.to_address.split('-')[0] + '-' + r.to_address.split('-')[1])).toEqual([
      'old-pending',
      'recent-sent',
    ]);
    // Not from a request: the function refuses any unit of work with a user.
    await expect(
      asApp(t.db.admin, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
        t.db.admin.query('SELECT app.purge_emails(1, 10)'),
      ),
    ).rejects.toThrow(/job runner/);
  });

  it('the API role only inserts: it cannot read the outbox, and the sender functions answer no request', async () => {
    const [row] = await t.db.admin.query<{ id: string }>(
      'SELECT id FROM email_outbox WHERE organization_id = $1 LIMIT 1',
      [a.id],
    );
    await expect(
      asApp(t.db.admin, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
        t.db.admin.query('SELECT * FROM email_outbox'),
      ),
    ).rejects.toThrow(/permission denied/);
    // Inside a request (a user is set), the definer functions return nothing, even in its own organization.
    const claimed = await asApp(t.db.admin, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
      t.db.admin.query('SELECT * FROM app.claim_email($1)', [row.id]),
    );
    const pending = await asApp(t.db.admin, { org: a.id, user: a.admin.id, role: 'ADMIN' }, () =>
      t.db.admin.query("SELECT * FROM app.pending_emails(interval '0', 10)"),
    );
    expect([claimed, pending]).toEqual([[], []]);
    // Another organization's system unit of work cannot claim it either.
    const other = await asApp(t.db.admin, { org: randomUUID() }, () =>
      t.db.admin.query('SELECT * FROM app.claim_email($1)', [row.id]),
    );
    expect(other).toEqual([]);
  });
});

describe('Notification preferences: GET and PATCH /v1/me/notification-preferences', () => {
  let t: TestApp;
  let one: User;
  let two: User;

  beforeAll(async () => {
    t = await bootApp(BACKGROUND);
    one = (await createOrg(t.http, 'One')).admin;
    two = (await createOrg(t.http, 'Two')).admin;
  });
  afterAll(() => t?.close());

  it('starts at the defaults', async () => {
    const res = await t.http.get('/v1/me/notification-preferences').set(as(one)).expect(200);
    expect(res.body).toEqual({
      email: {
        LEAD_ASSIGNED: true,
        TICKET_ASSIGNED: true,
        APPOINTMENT_REMINDER: true,
        ACTIVITIES_OVERDUE: true,
        LISTING_EXPIRING: true,
      },
      appointmentReminderMinutes: 60,
      updatedAt: null,
    });
  });

  it('changes only the fields sent, and only the caller’s', async () => {
    await t.http
      .patch('/v1/me/notification-preferences')
      .set(as(one))
      .send({ appointmentReminderMinutes: 15 })
      .expect(200);
    const res = await t.http
      .patch('/v1/me/notification-preferences')
      .set(as(one))
      .send({ email: { TICKET_ASSIGNED: false } })
      .expect(200);
    expect(res.body).toMatchObject({
      email: { LEAD_ASSIGNED: true, TICKET_ASSIGNED: false },
      appointmentReminderMinutes: 15,
    });
    expect(res.body.updatedAt).toEqual(expect.any(String));
    // Another user still has the defaults, and there is no way to name someone else.
    const theirs = await t.http.get('/v1/me/notification-preferences').set(as(two)).expect(200);
    expect(theirs.body).toMatchObject({ email: { TICKET_ASSIGNED: true }, appointmentReminderMinutes: 60 });
    const named = await t.http
      .patch('/v1/me/notification-preferences')
      .set(as(two))
      .send({ userId: one.id, appointmentReminderMinutes: 5 })
      .expect(400);
    expect(named.body.details).toEqual([expect.objectContaining({ field: 'userId', code: 'UNKNOWN_FIELD' })]);
    const mine = await t.http.get('/v1/me/notification-preferences').set(as(one)).expect(200);
    expect(mine.body.appointmentReminderMinutes).toBe(15);
  });

  it('RLS: the API role reads and writes only the current user’s row', async () => {
    const seen = await asApp(t.db.admin, { user: two.id }, () =>
      t.db.admin.query('SELECT user_id FROM notification_preferences'),
    );
    expect(seen).toEqual([]);
    await expect(
      asApp(t.db.admin, { user: two.id }, () =>
        t.db.admin.query('INSERT INTO notification_preferences (user_id) VALUES ($1)', [one.id]),
      ),
    ).rejects.toThrow(/row-level security/);
    const own = await asApp(t.db.admin, { user: one.id }, () =>
      t.db.admin.query('SELECT user_id FROM notification_preferences'),
    );
    expect(own).toEqual([{ user_id: one.id }]);
  });

  it.each([
    [{ appointmentReminderMinutes: 4 }, 'appointmentReminderMinutes', 'OUT_OF_RANGE'],
    [{ appointmentReminderMinutes: 10_081 }, 'appointmentReminderMinutes', 'OUT_OF_RANGE'],
    [{ appointmentReminderMinutes: null }, 'appointmentReminderMinutes', 'INVALID_TYPE'],
    [{ email: { NOT_A_TYPE: true } }, 'email.NOT_A_TYPE', 'UNKNOWN_FIELD'],
    [{ email: { LEAD_ASSIGNED: 'yes' } }, 'email.LEAD_ASSIGNED', 'INVALID_TYPE'],
    [{ email: [] }, 'email', 'INVALID_TYPE'],
  ])('refuses %j with 400 on %s', async (body, field, code) => {
    const res = await t.http.patch('/v1/me/notification-preferences').set(as(one)).send(body).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(res.body.details).toEqual([expect.objectContaining({ field, code })]);
  });

  it('needs a signed-in user', async () => {
    await t.http.get('/v1/me/notification-preferences').expect(401);
    await t.http.patch('/v1/me/notification-preferences').send({}).expect(401);
  });
});
