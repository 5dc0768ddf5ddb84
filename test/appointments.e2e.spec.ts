import { beforeAll, describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import { usingPostgres } from './helpers/database.js';
import { addMember, as, createLead, createOrg, type User, twoOrganizations } from './helpers/fixtures.js';
import { createAppointment, createContact, createListing } from './helpers/records.js';
import { asApp } from './helpers/sql-as-app.js';

/** [start, end) on day `day` of January 2030, whole hours (UTC) — each test uses its own days. */
const slot = (day: number, from: number, to: number) => ({
  startsAt: new Date(Date.UTC(2030, 0, day, from)).toISOString(),
  endsAt: new Date(Date.UTC(2030, 0, day, to)).toISOString(),
});
const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((x) => x.id);
const JAN = 'from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z';

describe('appointments', () => {
  const { t, a, b } = twoOrganizations();

  it('books, reads, updates, lists and deletes an appointment', async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    const listing = await createListing(t.http, a.admin, a.id);
    const [c1, c2, c3] = [
      await createContact(t.http, a.admin, a.id),
      await createContact(t.http, a.admin, a.id),
      await createContact(t.http, a.admin, a.id),
    ];
    const created = await createAppointment(t.http, a.admin, a.id, {
      title: '  Showing: 12 Oak St ',
      ...slot(2, 10, 11),
      location: '12 Oak St',
      leadId: lead.id,
      listingId: listing.id,
      attendeeContactIds: [c1.id, c2.id],
    });
    expect(created).toMatchObject({
      title: 'Showing: 12 Oak St',
      type: 'SHOWING',
      status: 'SCHEDULED',
      startsAt: '2030-01-02T10:00:00.000Z',
      endsAt: '2030-01-02T11:00:00.000Z',
      agentId: a.admin.id, // defaults to the caller
      createdById: a.admin.id,
      leadId: lead.id,
      listingId: listing.id,
      dealId: null,
      cancelReason: null,
    });
    expect(created.attendeeContactIds.sort()).toEqual([c1.id, c2.id].sort());
    expect(created).not.toHaveProperty('organizationId');
    await t.http.get(`/v1/appointments/${created.id}`).set(as(a.admin)).expect(200);
    const patched = await t.http
      .patch(`/v1/appointments/${created.id}`)
      .set(as(a.admin))
      // Ids compare case-insensitively: the same contact twice is one attendee.
      .send({
        status: 'CONFIRMED',
        attendeeContactIds: [c3.id.toUpperCase(), c3.id],
        notes: 'Gate code 1234',
        leadId: null,
      })
      .expect(200);
    expect(patched.body).toMatchObject({ status: 'CONFIRMED', attendeeContactIds: [c3.id], leadId: null });
    const list = await t.http.get(`/v1/appointments?${JAN}&listingId=${listing.id}`).set(as(a.admin)).expect(200);
    expect(ids(list)).toEqual([created.id]);
    expect(list.body.meta).toMatchObject({ total: 1 });
    await t.http.delete(`/v1/appointments/${created.id}`).set(as(a.admin)).expect(204);
    await t.http.get(`/v1/appointments/${created.id}`).set(as(a.admin)).expect(404);
    const attendees = await t.db.admin.query('SELECT 1 FROM appointment_attendees WHERE appointment_id = $1', [
      created.id,
    ]);
    expect(attendees).toHaveLength(0);
  });

  it('validates times: end after start, at most 24 hours; times move only through reschedule', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await t.http
        .post('/v1/appointments')
        .set(as(a.admin))
        .send({ title: 'x', ...body })
        .expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field })]);
    };
    await bad(slot(3, 11, 10), 'endsAt');
    await bad(slot(3, 10, 10), 'endsAt');
    await bad({ startsAt: '2030-01-03T00:00:00Z', endsAt: '2030-01-04T00:00:01Z' }, 'endsAt');
    await bad({ startsAt: 'tomorrow', endsAt: '2030-01-04T00:00:01Z' }, 'startsAt');
    await bad({ ...slot(3, 10, 11), type: 'PARTY' }, 'type');
    await bad({ ...slot(3, 10, 11), status: 'COMPLETED' }, 'status');
    const day = await createAppointment(t.http, a.admin, a.id, {
      startsAt: '2030-01-03T00:00:00Z',
      endsAt: '2030-01-04T00:00:00Z',
    });
    expect(day.endsAt).toBe('2030-01-04T00:00:00.000Z');
    const moved = await t.http
      .patch(`/v1/appointments/${day.id}`)
      .set(as(a.admin))
      .send({ startsAt: '2030-01-05T00:00:00Z' })
      .expect(400);
    expect(moved.body.details).toEqual([
      expect.objectContaining({ field: 'startsAt', message: 'is not an allowed field' }),
    ]);
  });

  it('requires a list window from/to of at most 92 days', async () => {
    await t.http.get('/v1/appointments').set(as(a.admin)).expect(400);
    await t.http.get('/v1/appointments?from=2030-01-01T00:00:00Z').set(as(a.admin)).expect(400);
    const long = await t.http
      .get('/v1/appointments?from=2030-01-01T00:00:00Z&to=2030-04-03T00:00:01Z')
      .set(as(a.admin))
      .expect(400);
    expect(long.body.details).toEqual([
      expect.objectContaining({ field: 'to', message: 'the window spans at most 92 days' }),
    ]);
    await t.http.get('/v1/appointments?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z').set(as(a.admin)).expect(400);
    await t.http.get('/v1/appointments?from=2030-01-01T00:00:00Z&to=2030-04-03T00:00:00Z').set(as(a.admin)).expect(200);
  });

  describe('no double-booking', () => {
    let agent: User;

    beforeAll(async () => {
      agent = await addMember(t.http, a, 'AGENT');
    });

    it('allows back-to-back slots and refuses an overlap with 409 APPOINTMENT_CONFLICT naming the other', async () => {
      const first = await createAppointment(t.http, a.admin, a.id, { agentId: agent.id, ...slot(10, 10, 11) });
      const next = await createAppointment(t.http, a.admin, a.id, { agentId: agent.id, ...slot(10, 11, 12) });
      expect(next.status).toBe('SCHEDULED');
      const clash = await t.http
        .post('/v1/appointments')
        .set(as(a.admin))
        .send({ title: 'Clash', agentId: agent.id, startsAt: '2030-01-10T10:30:00Z', endsAt: '2030-01-10T10:45:00Z' })
        .expect(409);
      expect(clash.body).toMatchObject({ code: 'APPOINTMENT_CONFLICT', ref: { appointmentIds: [first.id] } });
      // Another agent is free at that time; nothing of the refused booking was written.
      await createAppointment(t.http, a.admin, a.id, { ...slot(10, 10, 11) });
      const day = await t.http
        .get(`/v1/appointments?from=2030-01-10T00:00:00Z&to=2030-01-11T00:00:00Z&assignedToId=${agent.id}`)
        .set(as(a.admin))
        .expect(200);
      expect(ids(day)).toEqual([first.id, next.id]);
    });

    it('checks reschedules and agent changes against the calendar too', async () => {
      const morning = await createAppointment(t.http, a.admin, a.id, { agentId: agent.id, ...slot(11, 9, 10) });
      const noon = await createAppointment(t.http, a.admin, a.id, { agentId: agent.id, ...slot(11, 12, 13) });
      const clash = await t.http
        .post(`/v1/appointments/${noon.id}/reschedule`)
        .set(as(a.admin))
        .send(slot(11, 9, 11))
        .expect(409);
      expect(clash.body.ref).toEqual({ appointmentIds: [morning.id] });
      // Moving within its own slot never conflicts with itself.
      await t.http.patch(`/v1/appointments/${noon.id}`).set(as(a.admin)).send({ status: 'CONFIRMED' }).expect(200);
      const moved = await t.http
        .post(`/v1/appointments/${noon.id}/reschedule`)
        .set(as(a.admin))
        .send({ startsAt: '2030-01-11T12:30:00Z', endsAt: '2030-01-11T13:30:00Z' })
        .expect(200);
      expect(moved.body).toMatchObject({ status: 'SCHEDULED', startsAt: '2030-01-11T12:30:00.000Z' });
      const mine = await createAppointment(t.http, a.admin, a.id, { ...slot(11, 9, 10) });
      const handOver = await t.http
        .patch(`/v1/appointments/${mine.id}`)
        .set(as(a.admin))
        .send({ agentId: agent.id })
        .expect(409);
      expect(handOver.body.ref).toEqual({ appointmentIds: [morning.id] });
    });

    it('lets exactly one of two concurrent bookings of a slot succeed', async () => {
      const body = { title: 'Race', agentId: agent.id, ...slot(12, 15, 16) };
      const [r1, r2] = await Promise.all([
        t.http.post('/v1/appointments').set(as(a.admin)).send(body),
        t.http.post('/v1/appointments').set(as(a.admin)).send(body),
      ]);
      expect([r1.status, r2.status].sort()).toEqual([201, 409]);
      const [won, lost] = r1.status === 201 ? [r1, r2] : [r2, r1];
      expect(lost.body).toMatchObject({ code: 'APPOINTMENT_CONFLICT', ref: { appointmentIds: [won.body.id] } });
    });

    it('handles a burst of concurrent bookings for the same slot', async () => {
      const body = { title: 'Burst', agentId: agent.id, ...slot(13, 8, 9) };
      const results = await Promise.all(
        Array.from({ length: 6 }, () => t.http.post('/v1/appointments').set(as(a.admin)).send(body)),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    });

    it('frees a cancelled appointment’s slot', async () => {
      const booked = await createAppointment(t.http, a.admin, a.id, { agentId: agent.id, ...slot(14, 10, 11) });
      await t.http
        .post('/v1/appointments')
        .set(as(a.admin))
        .send({ title: 'x', agentId: agent.id, ...slot(14, 10, 11) })
        .expect(409);
      const cancelled = await t.http
        .post(`/v1/appointments/${booked.id}/cancel`)
        .set(as(a.admin))
        .send({ reason: 'Buyer sick' })
        .expect(200);
      expect(cancelled.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'Buyer sick' });
      const rebooked = await createAppointment(t.http, a.admin, a.id, { agentId: agent.id, ...slot(14, 10, 11) });
      expect(rebooked.status).toBe('SCHEDULED');
      // The cancelled one stays cancelled: it cannot move back into the taken slot, nor be completed.
      for (const action of ['cancel', 'complete']) {
        const res = await t.http.post(`/v1/appointments/${booked.id}/${action}`).set(as(a.admin)).send({}).expect(422);
        expect(res.body.code).toBe('INVALID_STATUS_TRANSITION');
      }
      await t.http
        .post(`/v1/appointments/${booked.id}/reschedule`)
        .set(as(a.admin))
        .send(slot(14, 10, 11))
        .expect(422);
      await t.http.patch(`/v1/appointments/${booked.id}`).set(as(a.admin)).send({ status: 'SCHEDULED' }).expect(422);
    });

    it('is enforced by the database itself (exclusion constraint and span check)', async () => {
      const sql = t.db.admin;
      const insert = (start: string, end: string, status = 'SCHEDULED') =>
        sql.query(
          `INSERT INTO appointments (organization_id, title, agent_id, starts_at, ends_at, status)
           VALUES ($1, 'sql', $2, $3, $4, $5) RETURNING id`,
          [a.id, agent.id, start, end, status],
        );
      expect(await insert('2030-01-15T10:00:00Z', '2030-01-15T11:00:00Z')).toHaveLength(1);
      expect(await insert('2030-01-15T11:00:00Z', '2030-01-15T12:00:00Z')).toHaveLength(1); // back-to-back
      await expect(insert('2030-01-15T10:59:59Z', '2030-01-15T11:30:00Z')).rejects.toThrow(
        /appointments_no_double_booking/,
      );
      expect(await insert('2030-01-15T10:15:00Z', '2030-01-15T10:45:00Z', 'CANCELLED')).toHaveLength(1);
      await expect(insert('2030-01-16T10:00:00Z', '2030-01-17T10:00:01Z')).rejects.toThrow(/appointments_span/);
      await expect(insert('2030-01-16T10:00:00Z', '2030-01-16T10:00:00Z')).rejects.toThrow(/appointments_span/);
    });
  });

  it('completes a live appointment once', async () => {
    const appt = await createAppointment(t.http, a.admin, a.id, { ...slot(16, 10, 11) });
    const done = await t.http.post(`/v1/appointments/${appt.id}/complete`).set(as(a.admin)).expect(200);
    expect(done.body.status).toBe('COMPLETED');
    const again = await t.http.post(`/v1/appointments/${appt.id}/complete`).set(as(a.admin)).expect(422);
    expect(again.body.code).toBe('INVALID_STATUS_TRANSITION');
    await t.http
      .post(`/v1/appointments/${appt.id}/reschedule`)
      .set(as(a.admin))
      .send(slot(16, 12, 13))
      .expect(422);
    const noShow = await createAppointment(t.http, a.admin, a.id, { ...slot(16, 14, 15) });
    await t.http.patch(`/v1/appointments/${noShow.id}`).set(as(a.admin)).send({ status: 'NO_SHOW' }).expect(200);
    await t.http.patch(`/v1/appointments/${noShow.id}`).set(as(a.admin)).send({ status: 'CONFIRMED' }).expect(422);
  });

  it('filters the list by agent, status and type, in start order', async () => {
    const org = await createOrg(t.http, 'List');
    const agent = await addMember(t.http, org, 'AGENT');
    const mk = (body: Record<string, unknown>) => createAppointment(t.http, org.admin, org.id, body);
    const late = await mk({ ...slot(20, 15, 16), type: 'MEETING' });
    const early = await mk({ ...slot(20, 9, 10), agentId: agent.id, type: 'SHOWING' });
    const call = await mk({ ...slot(21, 9, 10), type: 'CALL' });
    await t.http.post(`/v1/appointments/${call.id}/cancel`).set(as(org.admin, org.id)).send({}).expect(200);
    const outside = await mk({ ...slot(25, 9, 10) });
    const get = async (q: string) =>
      ids(
        await t.http
          .get(`/v1/appointments?from=2030-01-20T00:00:00Z&to=2030-01-22T00:00:00Z&${q}`)
          .set(as(org.admin, org.id))
          .expect(200),
      );
    expect(await get('')).toEqual([early.id, late.id, call.id]);
    expect(await get('sort=-startsAt')).toEqual([call.id, late.id, early.id]);
    expect(await get(`assignedToId=${agent.id}`)).toEqual([early.id]);
    // The old name still works for one release.
    expect(await get(`agentId=${agent.id}`)).toEqual([early.id]);
    expect(await get('status=CANCELLED')).toEqual([call.id]);
    expect(await get('status=SCHEDULED,CONFIRMED')).toEqual([early.id, late.id]);
    expect(await get('type=MEETING&type=CALL')).toEqual([late.id, call.id]);
    expect(await get('pageSize=1&page=2')).toEqual([late.id]);
    expect(await get('')).not.toContain(outside.id);
    // Overlap, not containment: an appointment running across the window's start is in it.
    const overlap = await t.http
      .get('/v1/appointments?from=2030-01-20T09:30:00Z&to=2030-01-20T09:45:00Z')
      .set(as(org.admin, org.id))
      .expect(200);
    expect(ids(overlap)).toEqual([early.id]);
  });

  it('exports an iCalendar feed that parses back', async () => {
    const org = await createOrg(t.http, 'Calendar');
    const agent = await addMember(t.http, org, 'AGENT');
    const showing = await createAppointment(t.http, org.admin, org.id, {
      title: 'Showing; 12 Oak St, unit 3',
      ...slot(5, 10, 11),
      location: '12 Oak St',
      notes: 'Line one\nLine two',
    });
    const cancelled = await createAppointment(t.http, org.admin, org.id, {
      title: 'Call',
      type: 'CALL',
      ...slot(6, 9, 10),
    });
    await t.http.post(`/v1/appointments/${cancelled.id}/cancel`).set(as(org.admin, org.id)).send({}).expect(200);
    const agents = await createAppointment(t.http, org.admin, org.id, { agentId: agent.id, ...slot(6, 9, 10) });

    const res = await t.http
      .get(`/v1/appointments/calendar.ics?${JAN}`)
      .set(as(org.admin, org.id))
      .expect(200)
      .expect('content-type', 'text/calendar; charset=utf-8');
    const text = res.text;
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    const events = calendar.getAllSubcomponents('vevent').map((v) => ({
      event: new ICAL.Event(v),
      status: v.getFirstPropertyValue('status'),
    }));
    expect(events).toHaveLength(3);
    const byUid = new Map(events.map((e) => [e.event.uid, e]));
    const s = byUid.get(`${showing.id}@brokerage-crm`)!;
    expect(s.event.summary).toBe('Showing; 12 Oak St, unit 3');
    expect(s.event.location).toBe('12 Oak St');
    expect(s.event.description).toBe('Line one\nLine two');
    expect(s.event.startDate.toJSDate().toISOString()).toBe(showing.startsAt);
    expect(s.event.endDate.toJSDate().toISOString()).toBe(showing.endsAt);
    expect(s.status).toBe('TENTATIVE');
    expect(byUid.get(`${cancelled.id}@brokerage-crm`)!.status).toBe('CANCELLED');

    const mine = await t.http
      .get(`/v1/appointments/calendar.ics?${JAN}&assignedToId=${agent.id}`)
      .set(as(org.admin, org.id))
      .expect(200);
    const only = new ICAL.Component(ICAL.parse(mine.text)).getAllSubcomponents('vevent');
    expect(only.map((v) => new ICAL.Event(v).uid)).toEqual([`${agents.id}@brokerage-crm`]);
    // The default window (30 days back, 62 ahead) holds none of these 2030 appointments.
    const now = await t.http.get('/v1/appointments/calendar.ics').set(as(org.admin, org.id)).expect(200);
    expect(new ICAL.Component(ICAL.parse(now.text)).getAllSubcomponents('vevent')).toHaveLength(0);
    const long = await t.http
      .get('/v1/appointments/calendar.ics?from=2030-01-01T00:00:00Z&to=2030-06-01T00:00:00Z')
      .set(as(org.admin, org.id))
      .expect(400);
    expect(long.headers['content-type']).toMatch(/application\/json/);
  });

  describe('roles', () => {
    let agent: User;
    let other: User;
    let viewer: User;

    beforeAll(async () => {
      agent = await addMember(t.http, a, 'AGENT');
      other = await addMember(t.http, a, 'AGENT');
      viewer = await addMember(t.http, a, 'VIEWER');
    });

    it('an AGENT books and changes only their own calendar', async () => {
      const own = await createAppointment(t.http, agent, a.id, { ...slot(22, 10, 11) });
      expect(own).toMatchObject({ agentId: agent.id, createdById: agent.id });
      const forOther = await t.http
        .post('/v1/appointments')
        .set(as(agent))
        .send({ title: 'x', agentId: other.id, ...slot(22, 12, 13) })
        .expect(403);
      expect(forOther.body.code).toBe('FORBIDDEN');
      await t.http.patch(`/v1/appointments/${own.id}`).set(as(agent)).send({ agentId: other.id }).expect(403);
      // Another agent's appointment on a listing (visible to all) can be read but not changed.
      const listing = await createListing(t.http, a.admin, a.id);
      const theirs = await createAppointment(t.http, a.admin, a.id, {
        agentId: other.id,
        listingId: listing.id,
        ...slot(22, 10, 11),
      });
      await t.http.get(`/v1/appointments/${theirs.id}`).set(as(agent)).expect(200);
      await t.http.patch(`/v1/appointments/${theirs.id}`).set(as(agent)).send({ title: 'x' }).expect(403);
      await t.http.post(`/v1/appointments/${theirs.id}/cancel`).set(as(agent)).send({}).expect(403);
      await t.http.delete(`/v1/appointments/${theirs.id}`).set(as(agent)).expect(403);
      // Booked for them by a manager: theirs to change.
      const booked = await createAppointment(t.http, a.admin, a.id, { agentId: agent.id, ...slot(22, 14, 15) });
      await t.http.post(`/v1/appointments/${booked.id}/complete`).set(as(agent)).expect(200);
    });

    it('an AGENT does not see appointments on another agent’s lead', async () => {
      const otherLead = await createLead(t.http, a.admin, a.id, { assignedToId: other.id });
      const hidden = await createAppointment(t.http, a.admin, a.id, {
        agentId: other.id,
        leadId: otherLead.id,
        ...slot(23, 10, 11),
      });
      const open = await createAppointment(t.http, a.admin, a.id, { agentId: other.id, ...slot(23, 12, 13) });
      const seen = ids(
        await t.http
          .get('/v1/appointments?from=2030-01-23T00:00:00Z&to=2030-01-24T00:00:00Z')
          .set(as(agent))
          .expect(200),
      );
      expect(seen).toEqual([open.id]);
      await t.http.get(`/v1/appointments/${hidden.id}`).set(as(agent)).expect(404);
      // Control: the other agent sees both.
      const theirs = ids(
        await t.http
          .get('/v1/appointments?from=2030-01-23T00:00:00Z&to=2030-01-24T00:00:00Z')
          .set(as(other))
          .expect(200),
      );
      expect(theirs).toEqual([hidden.id, open.id]);
    });

    it('a VIEWER reads but cannot write (403)', async () => {
      const appt = await createAppointment(t.http, a.admin, a.id, { ...slot(24, 10, 11) });
      await t.http.get(`/v1/appointments/${appt.id}`).set(as(viewer)).expect(200);
      await t.http.get(`/v1/appointments?${JAN}`).set(as(viewer)).expect(200);
      await t.http.get(`/v1/appointments/calendar.ics?${JAN}`).set(as(viewer)).expect(200);
      await t.http
        .post('/v1/appointments')
        .set(as(viewer))
        .send({ title: 'x', ...slot(24, 12, 13) })
        .expect(403);
      await t.http.patch(`/v1/appointments/${appt.id}`).set(as(viewer)).send({ title: 'x' }).expect(403);
      await t.http
        .post(`/v1/appointments/${appt.id}/reschedule`)
        .set(as(viewer))
        .send(slot(24, 12, 13))
        .expect(403);
      await t.http.post(`/v1/appointments/${appt.id}/cancel`).set(as(viewer)).send({}).expect(403);
      await t.http.post(`/v1/appointments/${appt.id}/complete`).set(as(viewer)).expect(403);
      await t.http.delete(`/v1/appointments/${appt.id}`).set(as(viewer)).expect(403);
      // A VIEWER is not an agent anyone can book.
      const res = await t.http
        .post('/v1/appointments')
        .set(as(a.admin))
        .send({ title: 'x', agentId: viewer.id, ...slot(24, 12, 13) })
        .expect(422);
      expect(res.body.code).toBe('INVALID_ASSIGNEE');
    });

    it('notifies the agent when someone else books or cancels their appointment', async () => {
      const appt = await createAppointment(t.http, a.admin, a.id, { agentId: agent.id, ...slot(26, 10, 11) });
      await t.http.post(`/v1/appointments/${appt.id}/cancel`).set(as(a.admin)).send({ reason: 'Rain' }).expect(200);
      const inbox = await t.http.get('/v1/notifications?pageSize=100').set(as(agent)).expect(200);
      const mine = inbox.body.data.filter((n: any) => n.data?.appointmentId === appt.id);
      expect(mine.map((n: any) => n.type).sort()).toEqual(['APPOINTMENT_CANCELLED', 'APPOINTMENT_SCHEDULED']);
      // Nobody is told about their own booking.
      const own = await createAppointment(t.http, agent, a.id, { ...slot(26, 12, 13) });
      const after = await t.http.get('/v1/notifications?pageSize=100').set(as(agent)).expect(200);
      expect(after.body.data.some((n: any) => n.data?.appointmentId === own.id)).toBe(false);
    });
  });

  it('refuses links, attendees and agents from another organization (422)', async () => {
    const leadB = await createLead(t.http, b.admin, b.id);
    const contactB = await createContact(t.http, b.admin, b.id);
    const listingB = await createListing(t.http, b.admin, b.id);
    const base = { title: 'x', ...slot(27, 10, 11) };
    for (const [extra, code] of [
      [{ leadId: leadB.id }, 'INVALID_REFERENCE'],
      [{ listingId: listingB.id }, 'INVALID_REFERENCE'],
      [{ attendeeContactIds: [contactB.id] }, 'INVALID_REFERENCE'],
      [{ agentId: b.admin.id }, 'INVALID_ASSIGNEE'],
    ] as const) {
      const res = await t.http
        .post('/v1/appointments')
        .set(as(a.admin))
        .send({ ...base, ...extra })
        .expect(422);
      expect(res.body.code).toBe(code);
    }
    const contactA = await createContact(t.http, a.admin, a.id);
    const ok = await createAppointment(t.http, a.admin, a.id, { ...base, attendeeContactIds: [contactA.id] });
    await t.http
      .patch(`/v1/appointments/${ok.id}`)
      .set(as(a.admin))
      .send({ attendeeContactIds: [contactA.id, contactB.id] })
      .expect(422);
    const still = await t.http.get(`/v1/appointments/${ok.id}`).set(as(a.admin)).expect(200);
    expect(still.body.attendeeContactIds).toEqual([contactA.id]);
  });

  it("hides org A's appointment from org B on every route, beside A's allowed control", async () => {
    const appt = await createAppointment(t.http, a.admin, a.id, { ...slot(28, 10, 11) });
    const b404 = await Promise.all([
      t.http.get(`/v1/appointments/${appt.id}`).set(as(b.admin)),
      t.http.patch(`/v1/appointments/${appt.id}`).set(as(b.admin)).send({ title: 'hijack' }),
      t.http.delete(`/v1/appointments/${appt.id}`).set(as(b.admin)),
      t.http
        .post(`/v1/appointments/${appt.id}/reschedule`)
        .set(as(b.admin))
        .send(slot(28, 12, 13)),
      t.http.post(`/v1/appointments/${appt.id}/cancel`).set(as(b.admin)).send({}),
      t.http.post(`/v1/appointments/${appt.id}/complete`).set(as(b.admin)),
    ]);
    for (const res of b404) expect(res.status).toBe(404);
    expect(ids(await t.http.get(`/v1/appointments?${JAN}&pageSize=100`).set(as(b.admin)).expect(200))).not.toContain(
      appt.id,
    );
    const ics = await t.http.get(`/v1/appointments/calendar.ics?${JAN}`).set(as(b.admin)).expect(200);
    expect(ics.text).not.toContain(appt.id);
    // B booking the same slot for its own admin is unaffected by A's calendar.
    await createAppointment(t.http, b.admin, b.id, { ...slot(28, 10, 11) });
    // Control: A still has it, unchanged and live.
    const still = await t.http.get(`/v1/appointments/${appt.id}`).set(as(a.admin)).expect(200);
    expect(still.body).toMatchObject({ title: appt.title, status: 'SCHEDULED', startsAt: appt.startsAt });
    expect(ids(await t.http.get(`/v1/appointments?${JAN}&pageSize=100`).set(as(a.admin)).expect(200))).toContain(
      appt.id,
    );
    const icsA = await t.http.get(`/v1/appointments/calendar.ics?${JAN}`).set(as(a.admin)).expect(200);
    expect(icsA.text).toContain(appt.id);
  });

  describe('row-level security as crm_app', () => {
    const insertAppt = (org: string, agent: string | null, extra: Record<string, string> = {}) => {
      const cols = Object.keys(extra);
      return t.db.admin.query<{ id: string }>(
        `INSERT INTO appointments (organization_id, title, agent_id, starts_at, ends_at${cols.map((c) => `, ${c}`).join('')})
         VALUES ($1, 'sql', $2, '2030-02-01T10:00:00Z', '2030-02-01T11:00:00Z'${cols.map((_, i) => `, $${i + 3}`).join('')})
         RETURNING id`,
        [org, agent, ...Object.values(extra)],
      );
    };

    it('fails closed and shows each organization only its own appointments and attendees', async () => {
      const sql = t.db.admin;
      const contactA = await createContact(t.http, a.admin, a.id);
      const [apptA] = await insertAppt(a.id, null);
      const [apptB] = await insertAppt(b.id, null);
      await sql.query(
        'INSERT INTO appointment_attendees (organization_id, appointment_id, contact_id) VALUES ($1, $2, $3)',
        [a.id, apptA.id, contactA.id],
      );
      const appts = () =>
        sql.query<{ id: string }>('SELECT id FROM appointments WHERE id = ANY($1)', [[apptA.id, apptB.id]]);
      const attendees = () => sql.query('SELECT * FROM appointment_attendees WHERE appointment_id = $1', [apptA.id]);
      expect(await appts()).toHaveLength(2); // control: the owner sees both
      expect(await asApp(sql, {}, appts)).toHaveLength(0);
      expect(await asApp(sql, {}, attendees)).toHaveLength(0);
      const asA = { org: a.id, user: a.admin.id, role: 'ADMIN' };
      expect((await asApp(sql, asA, appts)).map((r) => r.id)).toEqual([apptA.id]);
      expect(await asApp(sql, asA, attendees)).toHaveLength(1);
      const asB = { org: b.id, user: b.admin.id, role: 'ADMIN' };
      expect((await asApp(sql, asB, appts)).map((r) => r.id)).toEqual([apptB.id]);
      expect(await asApp(sql, asB, attendees)).toHaveLength(0);
      const hijack = await asApp(sql, asB, () =>
        sql.query("UPDATE appointments SET title = 'x' WHERE id = $1 RETURNING id", [apptA.id]),
      );
      expect(hijack).toHaveLength(0);
      const removed = await asApp(sql, asB, () =>
        sql.query('DELETE FROM appointment_attendees WHERE appointment_id = $1 RETURNING contact_id', [apptA.id]),
      );
      expect(removed).toHaveLength(0);
      await expect(
        asApp(sql, asA, () =>
          sql.query(
            `INSERT INTO appointments (organization_id, title, starts_at, ends_at)
             VALUES ($1, 'x', '2030-02-02T10:00:00Z', '2030-02-02T11:00:00Z')`,
            [b.id],
          ),
        ),
      ).rejects.toThrow(/row-level security/);
      await expect(
        asApp(sql, { ...asA, role: 'VIEWER' }, () =>
          sql.query(
            `INSERT INTO appointments (organization_id, title, starts_at, ends_at)
             VALUES ($1, 'x', '2030-02-02T10:00:00Z', '2030-02-02T11:00:00Z')`,
            [a.id],
          ),
        ),
      ).rejects.toThrow(/row-level security/);
    });

    it('rejects composite foreign keys into another organization', async () => {
      const sql = t.db.admin;
      const leadB = await createLead(t.http, b.admin, b.id);
      const contactB = await createContact(t.http, b.admin, b.id);
      const [apptA] = await insertAppt(a.id, a.admin.id);
      await expect(insertAppt(a.id, b.admin.id)).rejects.toThrow(/foreign key/);
      await expect(insertAppt(a.id, null, { lead_id: leadB.id })).rejects.toThrow(/foreign key/);
      await expect(
        sql.query(
          'INSERT INTO appointment_attendees (organization_id, appointment_id, contact_id) VALUES ($1, $2, $3)',
          [a.id, apptA.id, contactB.id],
        ),
      ).rejects.toThrow(/foreign key/);
      // The attendee row cannot claim B's organization for A's appointment either.
      await expect(
        sql.query(
          'INSERT INTO appointment_attendees (organization_id, appointment_id, contact_id) VALUES ($1, $2, $3)',
          [b.id, apptA.id, contactB.id],
        ),
      ).rejects.toThrow(/foreign key/);
    });

    it('lets an AGENT insert only onto their own calendar', async () => {
      const sql = t.db.admin;
      const agent = await addMember(t.http, a, 'AGENT');
      const asAgent = { org: a.id, user: agent.id, role: 'AGENT' };
      const book = (agentId: string) =>
        asApp(sql, asAgent, () =>
          sql.query(
            `INSERT INTO appointments (organization_id, title, agent_id, created_by_id, starts_at, ends_at)
             VALUES ($1, 'x', $2, $3, '2030-02-03T10:00:00Z', '2030-02-03T11:00:00Z') RETURNING id`,
            [a.id, agentId, agent.id],
          ),
        );
      await expect(book(a.admin.id)).rejects.toThrow(/row-level security/);
      expect(await book(agent.id)).toHaveLength(1);
    });
  });

  if (usingPostgres()) {
    it('serializes truly parallel bookings on Postgres through the constraint', async () => {
      // Two sessions race in SQL: the second waits for the first to commit, then fails.
      const s1 = await t.db.openSession();
      const s2 = await t.db.openSession();
      try {
        const ins = `INSERT INTO appointments (organization_id, title, agent_id, starts_at, ends_at)
                     VALUES ($1, 'race', $2, '2030-03-01T10:00:00Z', '2030-03-01T11:00:00Z')`;
        await s1.exec('BEGIN');
        await s1.query(ins, [a.id, a.admin.id]);
        await s2.exec('BEGIN');
        const second = s2.query(ins, [a.id, a.admin.id]).then(
          () => 'inserted',
          (e: Error) => e.message,
        );
        await s1.exec('COMMIT');
        expect(await second).toMatch(/appointments_no_double_booking/);
        await s2.exec('ROLLBACK');
      } finally {
        await s1.close();
        await s2.close();
      }
    });
  }
});
