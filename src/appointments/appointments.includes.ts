import { includeNames, includeSpec, linksTo, many, one } from '../includes/include-spec.js';
import type { AppointmentOutput } from './dto/appointment.output.js';

/** What `include=` may add to an appointment. */
export const APPOINTMENT_INCLUDES = includeSpec<AppointmentOutput>()({
  agent: one('person', (a) => a.agentId),
  ...linksTo('lead', 'deal', 'listing'),
  attendees: many('contact', (a) => a.attendeeContactIds),
  createdBy: one('person', (a) => a.createdById),
});

export const APPOINTMENT_INCLUDE_NAMES = includeNames(APPOINTMENT_INCLUDES);
export type AppointmentInclude = keyof typeof APPOINTMENT_INCLUDES;
