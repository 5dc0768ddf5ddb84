import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { AppointmentStatus } from '../generated/prisma/enums.js';
import type { AppointmentRow } from './appointments.repository.js';

// RFC 5545 STATUS for a VEVENT is TENTATIVE, CONFIRMED or CANCELLED.
const STATUS: Record<AppointmentStatus, ICalEventStatus> = {
  SCHEDULED: ICalEventStatus.TENTATIVE,
  CONFIRMED: ICalEventStatus.CONFIRMED,
  COMPLETED: ICalEventStatus.CONFIRMED,
  NO_SHOW: ICalEventStatus.CONFIRMED,
  CANCELLED: ICalEventStatus.CANCELLED,
};

/**
 * An upper bound of one VEVENT's text: its fixed lines, and title, location and notes at their
 * longest (200 + 500 + 10,000 characters) with every character escaped and the lines folded.
 */
export const MAX_ICS_EVENT_LENGTH = 24_000;

/** The appointments as an iCalendar (RFC 5545) document, one VEVENT each, times in UTC. */
export function toICalendar(rows: readonly AppointmentRow[], name: string): string {
  const calendar = ical({
    name,
    prodId: { company: 'brokerage-crm', product: 'appointments', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  for (const a of rows) {
    calendar.createEvent({
      // Stable across exports, so a re-import updates the event instead of duplicating it.
      id: `${a.id}@brokerage-crm`,
      start: a.startsAt,
      end: a.endsAt,
      summary: a.title,
      description: a.notes,
      location: a.location,
      status: STATUS[a.status],
      categories: [{ name: a.type }],
      created: a.createdAt,
      lastModified: a.updatedAt,
      stamp: a.updatedAt,
      x: { 'X-CRM-APPOINTMENT-ID': a.id, 'X-CRM-STATUS': a.status },
    });
  }
  return calendar.toString();
}
