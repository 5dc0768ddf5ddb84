import { type IncludeSpec, includeNames, one } from '../includes/include-spec.js';
import type { LeadOutput } from './dto/lead.output.js';

/** What `include=` may add to a lead. */
export const LEAD_INCLUDES = {
  assignee: one<LeadOutput>('person', (l) => l.assignedToId),
  createdBy: one<LeadOutput>('person', (l) => l.createdById),
  convertedContact: one<LeadOutput>('contact', (l) => l.convertedContactId),
} satisfies IncludeSpec<LeadOutput>;

export const LEAD_INCLUDE_NAMES = includeNames(LEAD_INCLUDES);
export type LeadInclude = keyof typeof LEAD_INCLUDES;
