import type { AppointmentRow } from './appointments.repository.js';
import type { AppointmentOutput } from './dto/appointment.output.js';

/** Exactly the fields that leave the server (no organization_id). */
export function toAppointmentOutput(a: AppointmentRow): AppointmentOutput {
  return {
    id: a.id,
    title: a.title,
    type: a.type,
    status: a.status,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    location: a.location,
    notes: a.notes,
    agentId: a.agentId,
    attendeeContactIds: a.attendees.map((x) => x.contactId),
    leadId: a.leadId,
    dealId: a.dealId,
    listingId: a.listingId,
    cancelReason: a.cancelReason,
    createdById: a.createdById,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    version: a.version,
  };
}
