import { type IncludeSpec, includeNames, one } from '../includes/include-spec.js';
import type { DealOutput } from './dto/deal.output.js';

/** What `include=` may add to a deal. */
export const DEAL_INCLUDES = {
  contact: one<DealOutput>('contact', (d) => d.contactId),
  listing: one<DealOutput>('listing', (d) => d.listingId),
  lead: one<DealOutput>('lead', (d) => d.leadId),
  assignee: one<DealOutput>('person', (d) => d.assignedToId),
  createdBy: one<DealOutput>('person', (d) => d.createdById),
} satisfies IncludeSpec<DealOutput>;

export const DEAL_INCLUDE_NAMES = includeNames(DEAL_INCLUDES);
export type DealInclude = keyof typeof DEAL_INCLUDES;
