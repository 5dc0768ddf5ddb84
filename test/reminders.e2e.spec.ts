import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.factory.js';
import { RemindersService } from '../src/reminders/reminders.service.js';
import { BACKGROUND, bootApp, type TestApp } from './helpers/app.js';
import { usingPostgres } from './helpers/database.js';
import { addMember, as, createOrg, type Org, type User } from './helpers/fixtures.js';
import { createActivity, createAppointment, createContact, createListing, minutesFromNow } from './helpers/records.js';
import { startSmtp, type SmtpReceiver } from './helpers/smtp.js';

const DAY_MS = 86_400_000;
const isoDate = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

describe('Reminders: appointment reminders, the overdue digest and listing alerts', () => {
  let smtp: SmtpReceiver;
  let t: TestApp;
  let a: Org;
  let b: Org;
  let agent: User;
  let reminders: RemindersService;

  const notificationsOf = (user: User, orgId: string, type: string) =>
    t.db.admin.query<{ data: Record<string, string> }>(
      'SELECT data FROM notifications WHERE organization_id = $1 AND user_id = $2 AND type = $3 ORDER BY created_at',
      [orgId, user.id, type],
    );

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await bootApp({ ...BACKGROUND, SMTP_URL: smtp.url });
    reminders = t.app.get(RemindersService);
    a = await createOrg(t.http, 'A');
    b = await createOrg(t.http, 'B');
    agent = await addMember(t.http, a, 'AGENT');
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  describe('organizations.timeZone', () => {
    it('defaults to UTC, takes an IANA name, refuses anything else with 400', async () => {
      const org = await t.http.get(`/v1/organizations/${a.id}`).set(as(a.admin)).expect(200);
      expect(org.body.timeZone).toBe('UTC');
      const set = await t.http
        .patch(`/v1/organizations/${a.id}`)
        .set(as(a.admin))
        .send({ timeZone: 'America/New_York' })
        .expect(200);
      expect(set.body.timeZone).toBe('America/New_York');
      for (const timeZone of ['Mars/Olympus_Mons', '', null, 42]) {
        const res = await t.http.patch(`/v1/organizations/${a.id}`).set(as(a.admin)).send({ timeZone }).expect(400);
        expect(res.body.details[0].field).toBe('timeZone');
      }
      // Only an ADMIN of it: an AGENT gets 403, another organization's ADMIN 404.
      await t.http.patch(`/v1/organizations/${a.id}`).set(as(agent)).send({ timeZone: 'UTC' }).expect(403);
      await t.http.patch(`/v1/organizations/${a.id}`).set(as(b.admin)).send({ timeZone: 'UTC' }).expect(404);
    });
  });

  describe('appointment reminders', () => {
    it('reminds the agent once, within their reminder minutes, with the .ics attached; not cancelled or later ones', async () => {
      await t.http.patch('/v1/me/notification-preferences').set(as(agent)).send({ appointmentReminderMinutes: 30 });
      const soon = await createAppointment(t.http, a.admin, a.id, {
        title: 'Showing <Oak & Pine>',
        agentId: agent.id,
        location: '12 Oak St',
        startsAt: minutesFromNow(20),
        endsAt: minutesFromNow(24),
      });
      const later = await createAppointment(t.http, a.admin, a.id, {
        agentId: agent.id,
        startsAt: minutesFromNow(45),
        endsAt: minutesFromNow(55),
      });
      const cancelled = await createAppointment(t.http, a.admin, a.id, {
        agentId: agent.id,
        startsAt: minutesFromNow(10),
        endsAt: minutesFromNow(15),
      });
      await t.http.post(`/v1/appointments/${cancelled.id}/cancel`).set(as(a.admin, a.id)).send({}).expect(200);
      // Another organization's appointment of its own admin, due too: reminded in its own organization.
      const other = await createAppointment(t.http, b.admin, b.id, {
        startsAt: minutesFromNow(5),
        endsAt: minutesFromNow(10),
      });

      expect(await reminders.appointmentReminders()).toBe(2);
      expect(await reminders.appointmentReminders()).toBe(0);

      const mine = await notificationsOf(agent, a.id, 'APPOINTMENT_REMINDER');
      expect(mine.map((n) => n.data.appointmentId)).toEqual([soon.id]);
      expect(mine.map((n) => n.data.appointmentId)).not.toContain(later.id);
      const theirs = await notificationsOf(b.admin, b.id, 'APPOINTMENT_REMINDER');
      expect(theirs.map((n) => n.data.appointmentId)).toEqual([other.id]);

      const mail = await smtp.waitFor(agent.email, (m) => m.subject?.startsWith('Reminder:') ?? false);
      expect(mail.subject).toContain('Reminder: Showing <Oak & Pine>');
      expect(mail.subject).toContain('(America/New_York)');
      expect(mail.html).toContain('Showing &lt;Oak &amp; Pine&gt;');
      const [ics] = mail.attachments;
      expect(ics.filename).toBe('invite.ics');
      expect(ics.contentType).toBe('text/calendar');
      const calendar = ics.content.toString('utf8');
      expect(calendar).toContain('BEGIN:VCALENDAR');
      expect(calendar).toContain(`UID:${soon.id}@brokerage-crm`);
      expect(calendar).toContain('LOCATION:12 Oak St');
    });

    it('reminds again after a reschedule (a new start time is a new occasion)', async () => {
      const appt = await createAppointment(t.http, a.admin, a.id, {
        agentId: agent.id,
        startsAt: minutesFromNow(600),
        endsAt: minutesFromNow(610),
      });
      await t.http
        .post(`/v1/appointments/${appt.id}/reschedule`)
        .set(as(a.admin, a.id))
        .send({ startsAt: minutesFromNow(25), endsAt: minutesFromNow(26) })
        .expect(200);
      expect(await reminders.appointmentReminders()).toBe(1);
      await t.http
        .post(`/v1/appointments/${appt.id}/reschedule`)
        .set(as(a.admin, a.id))
        .send({ startsAt: minutesFromNow(27), endsAt: minutesFromNow(28) })
        .expect(200);
      expect(await reminders.appointmentReminders()).toBe(1);
      const sent = await notificationsOf(agent, a.id, 'APPOINTMENT_REMINDER');
      expect(sent.filter((n) => n.data.appointmentId === appt.id)).toHaveLength(2);
    });

    it('with the email muted: the notification only', async () => {
      const quiet = await addMember(t.http, a, 'AGENT');
      await t.http
        .patch('/v1/me/notification-preferences')
        .set(as(quiet))
        .send({ email: { APPOINTMENT_REMINDER: false } })
        .expect(200);
      await createAppointment(t.http, a.admin, a.id, {
        agentId: quiet.id,
        startsAt: minutesFromNow(30),
        endsAt: minutesFromNow(31),
      });
      expect(await reminders.appointmentReminders()).toBe(1);
      expect(await notificationsOf(quiet, a.id, 'APPOINTMENT_REMINDER')).toHaveLength(1);
      const [{ n }] = await t.db.admin.query<{ n: number }>(
        // The organization's mail only: the address's verification link (account mail) has none.
        'SELECT count(*)::int AS n FROM email_outbox WHERE to_address = $1 AND organization_id IS NOT NULL',
        [quiet.email],
      );
      expect(n).toBe(0);
    });
  });

  describe('overdue activities digest', () => {
    it('goes out once a day, from 08:00 in the organization’s time zone', async () => {
      await t.http.patch(`/v1/organizations/${b.id}`).set(as(b.admin)).send({ timeZone: 'Asia/Kolkata' }).expect(200);
      const worker = await addMember(t.http, b, 'AGENT');
      const contact = await createContact(t.http, b.admin, b.id);
      for (const days of [3, 2])
        await createActivity(t.http, b.admin, b.id, {
          contactId: contact.id,
          title: `Call back <${days}>`,
          assignedToId: worker.id,
          dueDate: new Date(Date.now() - days * DAY_MS).toISOString(),
        });
      const today = new Date();
      const at = (h: number, m: number) =>
        new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), h, m));
      // 02:00 UTC is 07:30 in Kolkata: not yet.
      expect(await reminders.activityDigests(at(2, 0))).toBe(0);
      // 02:30 UTC is 08:00 there: sent once.
      expect(await reminders.activityDigests(at(2, 30))).toBeGreaterThanOrEqual(1);
      expect(await reminders.activityDigests(at(3, 0))).toBe(0);
      const [note] = await notificationsOf(worker, b.id, 'ACTIVITIES_OVERDUE');
      expect(note.data).toEqual({ overdueCount: 2 });
      const mail = await smtp.waitFor(worker.email, (m) => m.subject?.includes('overdue') ?? false);
      expect(mail.subject).toBe('You have 2 overdue activities');
      expect(mail.text).toContain('CALL: Call back <3>');
      expect(mail.html).toContain('Call back &lt;3&gt;');
      expect(mail.text!.indexOf('<3>')).toBeLessThan(mail.text!.indexOf('<2>'));
    });
  });

  describe('listing expiration alerts', () => {
    it('alerts the assignee 14 days ahead, once per listing and expiration date', async () => {
      const owner = await addMember(t.http, a, 'AGENT');
      const near = await createListing(t.http, a.admin, a.id, {
        title: 'Villa & "Pool"',
        assignedToId: owner.id,
        expirationDate: isoDate(10),
      });
      await createListing(t.http, a.admin, a.id, { assignedToId: owner.id, expirationDate: isoDate(20) });
      await createListing(t.http, a.admin, a.id, { assignedToId: owner.id, expirationDate: isoDate(-1) });
      expect(await reminders.listingAlerts()).toBe(1);
      expect(await reminders.listingAlerts()).toBe(0);
      const [note] = await notificationsOf(owner, a.id, 'LISTING_EXPIRING');
      expect(note.data).toEqual({ listingId: near.id, expirationDate: isoDate(10) });
      const mail = await smtp.waitFor(owner.email, (m) => m.subject?.startsWith('Listing expires') ?? false);
      expect(mail.subject).toBe('Listing expires in 10 days: Villa & "Pool"');
      expect(mail.html).toContain('Villa &amp; &quot;Pool&quot;');
      // A new expiration date is a new occasion.
      await t.http
        .patch(`/v1/listings/${near.id}`)
        .set(as(a.admin, a.id))
        .send({ expirationDate: isoDate(12) })
        .expect(200);
      expect(await reminders.listingAlerts()).toBe(1);
    });
  });
});

// Two API processes against one Postgres database: both run the same tick at once.
(usingPostgres() ? describe : describe.skip)('Reminders across two API processes (Postgres)', () => {
  let t: TestApp;
  let second: NestFastifyApplication;
  let a: Org;

  beforeAll(async () => {
    t = await bootApp(BACKGROUND);
    second = await createApp(t.config, { bufferLogs: false });
    await second.init();
    a = await createOrg(t.http, 'Two processes');
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('fires each reminder once, whichever process claims it', async () => {
    const agents = await Promise.all([0, 1, 2].map(() => addMember(t.http, a, 'AGENT')));
    const ids: string[] = [];
    for (const [i, agent] of agents.entries())
      for (const offset of [10, 20])
        ids.push(
          (
            await createAppointment(t.http, a.admin, a.id, {
              agentId: agent.id,
              startsAt: minutesFromNow(offset + i),
              endsAt: minutesFromNow(offset + i + 5),
            })
          ).id as string,
        );
    const [one, two] = await Promise.all([
      t.app.get(RemindersService).appointmentReminders(),
      second.get(RemindersService).appointmentReminders(),
    ]);
    expect(one + two).toBe(ids.length);
    const perAppointment = await t.db.admin.query<{ id: string; n: number }>(
      `SELECT data->>'appointmentId' AS id, count(*)::int AS n FROM notifications
        WHERE organization_id = $1 AND type = 'APPOINTMENT_REMINDER' GROUP BY 1 ORDER BY 1`,
      [a.id],
    );
    expect(perAppointment).toEqual([...ids].sort().map((id) => ({ id, n: 1 })));
    const [{ n }] = await t.db.admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM email_outbox WHERE organization_id = $1 AND kind = 'APPOINTMENT_REMINDER'",
      [a.id],
    );
    expect(n).toBe(ids.length);
  });
});
