import { includeNames, includeSpec, one } from '../includes/include-spec.js';
import type { CampaignOutput } from './dto/campaign.output.js';

/** What `include=` may add to a campaign. */
export const CAMPAIGN_INCLUDES = includeSpec<CampaignOutput>()({
  listing: one('listing', (c) => c.listingId),
  owner: one('person', (c) => c.ownerId),
  createdBy: one('person', (c) => c.createdById),
});

export const CAMPAIGN_INCLUDE_NAMES = includeNames(CAMPAIGN_INCLUDES);
export type CampaignInclude = keyof typeof CAMPAIGN_INCLUDES;
