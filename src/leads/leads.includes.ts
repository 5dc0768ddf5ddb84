import { ASSIGNEE_AND_CREATOR, includeNames, includeSpec, one } from '../includes/include-spec.js';
import type { LeadOutput } from './dto/lead.output.js';

/** What `include=` may add to a lead. */
export const LEAD_INCLUDES = includeSpec<LeadOutput>()({
  ...ASSIGNEE_AND_CREATOR,
  convertedContact: one('contact', (l) => l.convertedContactId),
  campaign: one('campaign', (l) => l.campaignId),
});

export const LEAD_INCLUDE_NAMES = includeNames(LEAD_INCLUDES);
export type LeadInclude = keyof typeof LEAD_INCLUDES;
