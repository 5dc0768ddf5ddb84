import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { AppointmentRow } from '../appointments/appointments.repository.js';
import { TenantDb } from '../database/tenant-db.js';
import type { MemberRole } from '../generated/prisma/enums.js';

/** Work items of the cross-organization scans (definer functions): ids, a role, a time. */
export interface DueAppointmentReminder {
  organizationId: string;
  appointmentId: string;
  userId: string;
  memberRole: MemberRole;
  startsAt: Date;
}

export interface DueActivityDigest {
  organizationId: string;
  timeZone: string;
  userId: string;
  memberRole: MemberRole;
}

export interface DueListingAlert {
  organizationId: string;
  listingId: string;
  userId: string;
  memberRole: MemberRole;
  expirationDate: Date;
}

const SCAN_LIMIT = 500;

/**
 * The reminder jobs' statements. The scans run in a system unit of work (no organization, no
 * user) and return work items only; everything else runs in the recipient's organization, as
 * the recipient, under RLS. The reminder tables are written here only, once per occasion
 * (INSERT … ON CONFLICT DO NOTHING: a second process finds the row and sends nothing).
 */
@Injectable()
export class RemindersRepository {
  constructor(private readonly db: TenantDb) {}

  async dueAppointmentReminders(): Promise<DueAppointmentReminder[]> {
    const { rows } = await sql<DueAppointmentReminder>`
      SELECT * FROM app.due_appointment_reminders(${SCAN_LIMIT})`.execute(this.db.sql);
    return rows;
  }

  async dueActivityDigests(): Promise<DueActivityDigest[]> {
    const { rows } = await sql<DueActivityDigest>`
      SELECT * FROM app.due_activity_digests(${SCAN_LIMIT})`.execute(this.db.sql);
    return rows;
  }

  async dueListingAlerts(days: number): Promise<DueListingAlert[]> {
    const { rows } = await sql<DueListingAlert>`
      SELECT * FROM app.due_listing_alerts(${days}, ${SCAN_LIMIT})`.execute(this.db.sql);
    return rows;
  }

  /** True when this call recorded the reminder (and so must send it); false when another did. */
  async claimAppointmentReminder(appointmentId: string, userId: string, startsAt: Date): Promise<boolean> {
    const row = await this.db.sql
      .insertInto('appointment_reminders')
      .values({ organizationId: this.db.orgId, appointmentId, userId, startsAt })
      .onConflict((c) => c.doNothing())
      .returning('appointmentId')
      .executeTakeFirst();
    return Boolean(row);
  }

  async claimActivityDigest(userId: string, localDate: string): Promise<boolean> {
    const row = await this.db.sql
      .insertInto('activity_digests')
      .values({ organizationId: this.db.orgId, userId, localDate: new Date(`${localDate}T00:00:00Z`) })
      .onConflict((c) => c.doNothing())
      .returning('userId')
      .executeTakeFirst();
    return Boolean(row);
  }

  async claimListingAlert(listingId: string, expirationDate: Date): Promise<boolean> {
    const row = await this.db.sql
      .insertInto('listing_expiration_alerts')
      .values({ organizationId: this.db.orgId, listingId, expirationDate })
      .onConflict((c) => c.doNothing())
      .returning('listingId')
      .executeTakeFirst();
    return Boolean(row);
  }

  /** The appointment as the calendar feed reads it (toICalendar), if the recipient can see it. */
  appointment(id: string): Promise<AppointmentRow | null> {
    return this.db.tx.appointment.findFirst({
      where: { id, organizationId: this.db.orgId },
      include: { attendees: { select: { contactId: true }, orderBy: { createdAt: 'asc' } } },
    });
  }

  /** The recipient's open activities past due, oldest first (at most `limit`), and how many there are. */
  async overdueActivities(userId: string, now: Date, limit: number) {
    const where = { organizationId: this.db.orgId, assignedToId: userId, completedAt: null, dueDate: { lt: now } };
    return Promise.all([
      this.db.tx.activity.findMany({
        where,
        orderBy: [{ dueDate: 'asc' }, { id: 'asc' }],
        take: limit,
        select: { title: true, type: true, dueDate: true },
      }),
      this.db.tx.activity.count({ where }),
    ]);
  }

  listing(id: string) {
    return this.db.tx.listing.findFirst({
      where: { id, organizationId: this.db.orgId, deletedAt: null },
      select: { id: true, title: true, address: true, city: true, expirationDate: true },
    });
  }

  async timeZone(): Promise<string> {
    const org = await this.db.tx.organization.findUnique({ where: { id: this.db.orgId }, select: { timeZone: true } });
    return org?.timeZone ?? 'UTC';
  }
}
