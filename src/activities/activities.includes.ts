import { type IncludeSpec, includeNames, one } from '../includes/include-spec.js';
import type { ActivityOutput } from './dto/activity.output.js';

/** What `include=` may add to an activity. */
export const ACTIVITY_INCLUDES = {
  lead: one<ActivityOutput>('lead', (a) => a.leadId),
  contact: one<ActivityOutput>('contact', (a) => a.contactId),
  deal: one<ActivityOutput>('deal', (a) => a.dealId),
  listing: one<ActivityOutput>('listing', (a) => a.listingId),
  assignee: one<ActivityOutput>('person', (a) => a.assignedToId),
  createdBy: one<ActivityOutput>('person', (a) => a.createdById),
} satisfies IncludeSpec<ActivityOutput>;

export const ACTIVITY_INCLUDE_NAMES = includeNames(ACTIVITY_INCLUDES);
export type ActivityInclude = keyof typeof ACTIVITY_INCLUDES;
