import { ASSIGNEE_AND_CREATOR, includeNames, includeSpec, one } from '../includes/include-spec.js';
import type { ContactOutput } from './dto/contact.output.js';

/** What `include=` may add to a contact. */
export const CONTACT_INCLUDES = includeSpec<ContactOutput>()({
  ...ASSIGNEE_AND_CREATOR,
  sourceLead: one('lead', (c) => c.sourceLeadId),
});

export const CONTACT_INCLUDE_NAMES = includeNames(CONTACT_INCLUDES);
export type ContactInclude = keyof typeof CONTACT_INCLUDES;
