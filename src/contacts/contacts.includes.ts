import { type IncludeSpec, includeNames, one } from '../includes/include-spec.js';
import type { ContactOutput } from './dto/contact.output.js';

/** What `include=` may add to a contact. */
export const CONTACT_INCLUDES = {
  assignee: one<ContactOutput>('person', (c) => c.assignedToId),
  createdBy: one<ContactOutput>('person', (c) => c.createdById),
  sourceLead: one<ContactOutput>('lead', (c) => c.sourceLeadId),
} satisfies IncludeSpec<ContactOutput>;

export const CONTACT_INCLUDE_NAMES = includeNames(CONTACT_INCLUDES);
export type ContactInclude = keyof typeof CONTACT_INCLUDES;
