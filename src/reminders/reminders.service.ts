import { Injectable, Logger } from '@nestjs/common';
import { toICalendar } from '../appointments/appointments.calendar.js';
import { TenantDb } from '../database/tenant-db.js';
import { appointmentReminderEmail, listingExpiringEmail, overdueDigestEmail } from '../email/templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { isDigestTime, localTime } from './local-time.js';
import {
  type DueActivityDigest,
  type DueAppointmentReminder,
  type DueListingAlert,
  RemindersRepository,
} from './reminders.repository.js';

const DAY_MS = 86_400_000;
/** Listings are alerted this many days before their expirationDate. */
export const LISTING_ALERT_DAYS = 14;
/** The digest lists this many activities; the count says how many there are. */
const DIGEST_ITEMS = 20;

/**
 * The scheduled reminders: each scan finds work items across organizations (definer
 * functions, ids only), then each item runs in its organization as its recipient, under RLS,
 * in its own unit of work: record the occasion once (a unique row), then notify and email in
 * the same transaction. Two processes running the same tick both find the item; the second
 * insert waits for the first to commit, finds the row, and sends nothing.
 */
@Injectable()
export class RemindersService {
  private readonly logger = new Logger(RemindersService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly reminders: RemindersRepository,
    private readonly notifications: NotificationsService,
  ) {}

  /** Appointments starting within their agent's reminder minutes; returns how many reminders were sent. */
  async appointmentReminders(): Promise<number> {
    const due = await this.db.runTrusted({}, () => this.reminders.dueAppointmentReminders());
    return this.each(due, 'appointment reminder', (item) => this.remindAppointment(item));
  }

  /** Overdue activities, once a day per member from 08:00 in the organization's time zone. */
  async activityDigests(now = new Date()): Promise<number> {
    const due = await this.db.runTrusted({}, () => this.reminders.dueActivityDigests());
    const morning = due.flatMap((item) => {
      const local = localTime(now, item.timeZone);
      return isDigestTime(local.hour) ? [{ ...item, localDate: local.date }] : [];
    });
    return this.each(morning, 'activity digest', (item) => this.sendDigest(item, now));
  }

  /** Listings expiring within LISTING_ALERT_DAYS, once per listing and expiration date. */
  async listingAlerts(now = new Date()): Promise<number> {
    const due = await this.db.runTrusted({}, () => this.reminders.dueListingAlerts(LISTING_ALERT_DAYS));
    return this.each(due, 'listing alert', (item) => this.alertListing(item, now));
  }

  /** One failing item (a row deleted meanwhile, a constraint) does not hold up the others; it is found again next tick. */
  private async each<T>(items: T[], what: string, send: (item: T) => Promise<boolean>): Promise<number> {
    let sent = 0;
    for (const item of items) {
      try {
        if (await send(item)) sent++;
      } catch (error) {
        this.logger.warn(`A ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (sent) this.logger.log(`Sent ${sent} ${what}(s)`);
    return sent;
  }

  private asRecipient<T>(
    item: { organizationId: string; userId: string; memberRole: DueAppointmentReminder['memberRole'] },
    fn: () => Promise<T>,
  ): Promise<T> {
    return this.db.runTrusted({ orgId: item.organizationId, userId: item.userId, role: item.memberRole }, fn);
  }

  private remindAppointment(item: DueAppointmentReminder): Promise<boolean> {
    return this.asRecipient(item, async () => {
      if (!(await this.reminders.claimAppointmentReminder(item.appointmentId, item.userId, item.startsAt)))
        return false;
      const a = await this.reminders.appointment(item.appointmentId);
      // Moved or cancelled since the scan: the row stays (harmless); a new start time is a new occasion.
      if (!a || a.startsAt.getTime() !== item.startsAt.getTime() || !['SCHEDULED', 'CONFIRMED'].includes(a.status))
        return false;
      const timeZone = await this.reminders.timeZone();
      await this.notifications.deliver([
        {
          userId: item.userId,
          type: 'APPOINTMENT_REMINDER',
          title: `Starting soon: ${a.title}`.slice(0, 300),
          data: { appointmentId: a.id, startsAt: a.startsAt.toISOString(), endsAt: a.endsAt.toISOString() },
          email: (to) =>
            appointmentReminderEmail({
              recipientName: to.fullName,
              appointment: a,
              timeZone,
              ics: toICalendar([a], a.title),
            }),
        },
      ]);
      return true;
    });
  }

  private sendDigest(item: DueActivityDigest & { localDate: string }, now: Date): Promise<boolean> {
    return this.asRecipient(item, async () => {
      if (!(await this.reminders.claimActivityDigest(item.userId, item.localDate))) return false;
      const [activities, total] = await this.reminders.overdueActivities(item.userId, now, DIGEST_ITEMS);
      if (!total) return false;
      const listed = activities.map((a) => ({ title: a.title, type: a.type, dueDate: a.dueDate ?? now }));
      await this.notifications.deliver([
        {
          userId: item.userId,
          type: 'ACTIVITIES_OVERDUE',
          title: `You have ${total} overdue ${total === 1 ? 'activity' : 'activities'}`,
          data: { overdueCount: total },
          email: (to) =>
            overdueDigestEmail({ recipientName: to.fullName, timeZone: item.timeZone, activities: listed, total }),
        },
      ]);
      return true;
    });
  }

  private alertListing(item: DueListingAlert, now: Date): Promise<boolean> {
    return this.asRecipient(item, async () => {
      if (!(await this.reminders.claimListingAlert(item.listingId, item.expirationDate))) return false;
      const listing = await this.reminders.listing(item.listingId);
      if (!listing?.expirationDate) return false;
      const expirationDate = listing.expirationDate;
      const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
      const daysLeft = Math.round((expirationDate.getTime() - today) / DAY_MS);
      const date = expirationDate.toISOString().slice(0, 10);
      await this.notifications.deliver([
        {
          userId: item.userId,
          type: 'LISTING_EXPIRING',
          title: `Listing expires on ${date}: ${listing.title}`.slice(0, 300),
          data: { listingId: listing.id, expirationDate: date },
          email: (to) =>
            listingExpiringEmail({
              recipientName: to.fullName,
              listing: { title: listing.title, address: `${listing.address}, ${listing.city}`, expirationDate },
              daysLeft,
            }),
        },
      ]);
      return true;
    });
  }
}
