import { Injectable } from '@nestjs/common';
import { LiveRecordsService } from '../records/live-records.service.js';
import { AssigneesService } from '../assignees/assignees.service.js';
import { sqlState } from '../common/error-mapper.js';
import {
  BusinessRuleViolation,
  Conflict,
  ErrorCode,
  Forbidden,
  NotFound,
  ValidationFailed,
  DetailCode,
} from '../common/errors.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import { IncludesService } from '../includes/includes.service.js';
import type { AppointmentStatus } from '../generated/prisma/enums.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { NotificationType } from '../notifications/dto/notification.output.js';
import { toICalendar } from './appointments.calendar.js';
import { APPOINTMENT_INCLUDES, type AppointmentInclude } from './appointments.includes.js';
import { toAppointmentOutput } from './appointments.mapper.js';
import {
  type AppointmentFilter,
  type AppointmentRow,
  AppointmentsRepository,
  type Slot,
} from './appointments.repository.js';
import type {
  CancelAppointmentInput,
  CreateAppointmentInput,
  RescheduleAppointmentInput,
  UpdateAppointmentInput,
} from './dto/appointment.input.js';
import type { AppointmentOutput } from './dto/appointment.output.js';
import { type CalendarQuery, type ListAppointmentsQuery, MAX_WINDOW_DAYS } from './dto/list-appointments.query.js';

const DAY_MS = 86_400_000;
const MAX_SPAN_MS = DAY_MS;
/** More than this many events in one .ics is a request for a narrower window. */
export const MAX_CALENDAR_EVENTS = 5000;

/** Only a live appointment (not yet completed, cancelled or missed) can move, be cancelled or completed. */
const ACTIVE: readonly AppointmentStatus[] = ['SCHEDULED', 'CONFIRMED'];
/** Status changes a PATCH may make; COMPLETED and CANCELLED go through their own actions. */
const PATCH_TRANSITIONS: Partial<Record<AppointmentStatus, readonly AppointmentStatus[]>> = {
  SCHEDULED: ['CONFIRMED', 'NO_SHOW'],
  CONFIRMED: ['SCHEDULED', 'NO_SHOW'],
};

/** UUIDs compare case-insensitively in SQL; the attendee list is a set. */
const contactSet = (ids: readonly string[]): string[] => [...new Set(ids.map((id) => id.toLowerCase()))];

function assertSpan(startsAt: Date, endsAt: Date): void {
  if (endsAt <= startsAt) throw new ValidationFailed([{ field: 'endsAt', message: 'must be after startsAt' }]);
  if (endsAt.getTime() - startsAt.getTime() > MAX_SPAN_MS)
    throw new ValidationFailed([{ field: 'endsAt', message: 'an appointment lasts at most 24 hours' }]);
}

function assertWindow(from: Date, to: Date): void {
  if (to <= from) throw new ValidationFailed([{ field: 'to', message: 'must be after from' }]);
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
    throw new ValidationFailed([{ field: 'to', message: `the window spans at most ${MAX_WINDOW_DAYS} days` }]);
}

function assertActive(a: AppointmentRow, action: string): void {
  if (!ACTIVE.includes(a.status))
    throw new BusinessRuleViolation(
      `A ${a.status} appointment cannot be ${action}`,
      ErrorCode.InvalidStatusTransition,
      [{ field: 'status', message: `is ${a.status}; only SCHEDULED or CONFIRMED appointments can be ${action}` }],
    );
}

/**
 * Agents' calendars. "No double-booking" is the database's exclusion constraint: a write
 * that would overlap another live appointment of the same agent fails with SQLSTATE 23P01,
 * even when two requests race for one slot. The failed transaction is rolled back, and a
 * fresh unit of work then looks up which appointment was in the way (409 APPOINTMENT_CONFLICT).
 */
@Injectable()
export class AppointmentsService {
  constructor(
    private readonly db: TenantDb,
    private readonly appointments: AppointmentsRepository,
    private readonly links: LiveRecordsService,
    private readonly assignees: AssigneesService,
    private readonly notifications: NotificationsService,
    private readonly includes: IncludesService,
  ) {}

  /** Re-points a lead's appointments at another lead (a merge). Joins the caller's unit of work. */
  relinkLead(fromLeadId: string, toLeadId: string): Promise<number> {
    return this.db.run(() => this.appointments.relinkLead(fromLeadId, toLeadId));
  }

  list(query: ListAppointmentsQuery): Promise<Page<AppointmentOutput>> {
    assertWindow(query.from, query.to);
    return this.db.run(async () => {
      const filter = { ...this.filter(query, query.from, query.to), ids: query.ids };
      const [rows, total] = await this.appointments.list(filter, query);
      const data = await this.includes.expand(rows.map(toAppointmentOutput), query.include, APPOINTMENT_INCLUDES);
      return pageOf(data, total, query);
    });
  }

  /** An .ics document of the window (default: 30 days back to 62 days ahead). */
  calendar(query: CalendarQuery, now = new Date()): Promise<string> {
    const from = query.from ?? new Date(now.getTime() - 30 * DAY_MS);
    const to = query.to ?? new Date(from.getTime() + MAX_WINDOW_DAYS * DAY_MS);
    assertWindow(from, to);
    return this.db.run(async () => {
      const rows = await this.appointments.window(this.filter(query, from, to), MAX_CALENDAR_EVENTS + 1);
      if (rows.length > MAX_CALENDAR_EVENTS)
        throw new ValidationFailed([
          {
            field: 'from',
            message: `more than ${MAX_CALENDAR_EVENTS} appointments: narrow the window or filter by assignedToId`,
          },
        ]);
      return toICalendar(rows, 'Appointments');
    });
  }

  get(id: string, include?: readonly AppointmentInclude[]): Promise<AppointmentOutput> {
    return this.db.run(async () =>
      this.includes.expandOne(toAppointmentOutput(await this.mustFind(id)), include, APPOINTMENT_INCLUDES),
    );
  }

  create(input: CreateAppointmentInput): Promise<AppointmentOutput> {
    assertSpan(input.startsAt, input.endsAt);
    const { attendeeContactIds: attendees = [], agentId: requested, ...fields } = input;
    const attendeeContactIds = contactSet(attendees);
    let slot: Slot | undefined;
    return this.booking(
      () => slot,
      () =>
        this.db.run(async () => {
          const agentId = requested ?? this.db.userId;
          this.assertMayBookFor(agentId);
          await this.assignees.assertAssignable(agentId, 'agentId');
          await this.links.assertLinks(input);
          await this.links.assertContacts(attendeeContactIds, 'attendeeContactIds');
          slot = { agentId, startsAt: input.startsAt, endsAt: input.endsAt };
          const row = await this.appointments.create(
            { ...fields, agentId, createdById: this.db.userId },
            attendeeContactIds,
          );
          await this.notifyAgent(row, 'APPOINTMENT_SCHEDULED', `New appointment: ${row.title}`);
          return toAppointmentOutput(row);
        }),
    );
  }

  update(id: string, input: UpdateAppointmentInput): Promise<AppointmentOutput> {
    const { attendeeContactIds: attendees, agentId, title, type, status, ...nullable } = input;
    const attendeeContactIds = attendees && contactSet(attendees);
    let slot: Slot | undefined;
    return this.booking(
      () => slot,
      () =>
        this.db.run(async () => {
          const current = await this.mustFindWritable(id);
          if (status && status !== current.status && !PATCH_TRANSITIONS[current.status]?.includes(status))
            throw new BusinessRuleViolation(
              `A ${current.status} appointment cannot become ${status}`,
              ErrorCode.InvalidStatusTransition,
              [{ field: 'status', message: `cannot go from ${current.status} to ${status}` }],
            );
          if (agentId) {
            this.assertMayBookFor(agentId);
            await this.assignees.assertAssignable(agentId, 'agentId');
            slot = { agentId, startsAt: current.startsAt, endsAt: current.endsAt, excludeId: id };
          }
          await this.links.assertLinks(input);
          if (attendeeContactIds) await this.links.assertContacts(attendeeContactIds, 'attendeeContactIds');
          const updated = await this.appointments.update(
            id,
            {
              ...nullable,
              ...(agentId && { agentId }),
              ...(title != null && { title }),
              ...(type != null && { type }),
              ...(status != null && { status }),
            },
            attendeeContactIds,
          );
          return toAppointmentOutput(this.found(updated));
        }),
    );
  }

  reschedule(id: string, input: RescheduleAppointmentInput): Promise<AppointmentOutput> {
    assertSpan(input.startsAt, input.endsAt);
    let slot: Slot | undefined;
    return this.booking(
      () => slot,
      () =>
        this.db.run(async () => {
          const current = await this.mustFindWritable(id);
          assertActive(current, 'rescheduled');
          if (current.agentId) slot = { agentId: current.agentId, ...input, excludeId: id };
          // A new time needs a new confirmation.
          const row = this.found(
            await this.appointments.update(id, { startsAt: input.startsAt, endsAt: input.endsAt, status: 'SCHEDULED' }),
          );
          await this.notifyAgent(row, 'APPOINTMENT_RESCHEDULED', `Appointment moved: ${row.title}`);
          return toAppointmentOutput(row);
        }),
    );
  }

  cancel(id: string, input: CancelAppointmentInput): Promise<AppointmentOutput> {
    return this.db.run(async () => {
      const current = await this.mustFindWritable(id);
      assertActive(current, 'cancelled');
      const row = this.found(
        await this.appointments.update(id, { status: 'CANCELLED', cancelReason: input.reason ?? null }),
      );
      await this.notifyAgent(row, 'APPOINTMENT_CANCELLED', `Appointment cancelled: ${row.title}`, input.reason);
      return toAppointmentOutput(row);
    });
  }

  complete(id: string): Promise<AppointmentOutput> {
    return this.db.run(async () => {
      const current = await this.mustFindWritable(id);
      assertActive(current, 'completed');
      return toAppointmentOutput(this.found(await this.appointments.update(id, { status: 'COMPLETED' })));
    });
  }

  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      await this.mustFindWritable(id);
      if (!(await this.appointments.delete(id))) throw new NotFound('Appointment');
    });
  }

  /**
   * Runs a write that may collide with the agent's calendar. On SQLSTATE 23P01 the
   * transaction is already rolled back (an aborted transaction answers nothing more), so
   * the conflicting appointment is looked up in a new unit of work.
   */
  private async booking<T>(slot: () => Slot | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (sqlState(error) !== '23P01') throw error;
      const s = slot();
      const conflictId = s ? await this.db.run(() => this.appointments.findOverlap(s)) : null;
      throw new Conflict(
        'The agent already has an appointment at that time',
        ErrorCode.AppointmentConflict,
        [{ field: 'startsAt', message: 'overlaps another appointment of the agent', code: DetailCode.NotAllowed }],
        conflictId ? { appointmentIds: [conflictId] } : undefined,
      );
    }
  }

  private filter(q: CalendarQuery, from: Date, to: Date): AppointmentFilter {
    return {
      from,
      to,
      agentId: q.assignedToId ?? q.agentId,
      listingId: q.listingId,
      status: q.status?.length ? { in: q.status } : undefined,
      type: q.type?.length ? { in: q.type } : undefined,
    };
  }

  /** An AGENT books only their own calendar; managers and admins book anyone's. */
  private assertMayBookFor(agentId: string): void {
    if (this.db.role === 'AGENT' && agentId !== this.db.userId)
      throw new Forbidden('An AGENT books appointments only on their own calendar');
  }

  private async mustFind(id: string): Promise<AppointmentRow> {
    return this.found(await this.appointments.find(id));
  }

  /** Visible, and (for an AGENT) their own: the agent or its creator. */
  private async mustFindWritable(id: string): Promise<AppointmentRow> {
    const row = await this.mustFind(id);
    if (this.db.role === 'AGENT' && row.agentId !== this.db.userId && row.createdById !== this.db.userId)
      throw new Forbidden('An AGENT changes only their own appointments');
    return row;
  }

  private found(row: AppointmentRow | null): AppointmentRow {
    if (!row) throw new NotFound('Appointment');
    return row;
  }

  /** Tells the agent when someone else changed their calendar (nobody is notified of their own acts). */
  private async notifyAgent(
    row: AppointmentRow,
    type: NotificationType,
    title: string,
    body?: string | null,
  ): Promise<void> {
    if (!row.agentId) return;
    await this.notifications.notify({
      userId: row.agentId,
      type,
      title: title.slice(0, 300),
      ...(body && { body: body.slice(0, 2000) }),
      data: { appointmentId: row.id, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() },
    });
  }
}
