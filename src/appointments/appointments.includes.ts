import { type IncludeSpec, includeNames, many, one } from '../includes/include-spec.js';
import type { AppointmentOutput } from './dto/appointment.output.js';

/** What `include=` may add to an appointment. */
export const APPOINTMENT_INCLUDES = {
  agent: one<AppointmentOutput>('person', (a) => a.agentId),
  lead: one<AppointmentOutput>('lead', (a) => a.leadId),
  deal: one<AppointmentOutput>('deal', (a) => a.dealId),
  listing: one<AppointmentOutput>('listing', (a) => a.listingId),
  attendees: many<AppointmentOutput>('contact', (a) => a.attendeeContactIds),
  createdBy: one<AppointmentOutput>('person', (a) => a.createdById),
} satisfies IncludeSpec<AppointmentOutput>;

export const APPOINTMENT_INCLUDE_NAMES = includeNames(APPOINTMENT_INCLUDES);
export type AppointmentInclude = keyof typeof APPOINTMENT_INCLUDES;
