import { ASSIGNEE_AND_CREATOR, includeNames, includeSpec, linksTo } from '../includes/include-spec.js';
import type { DealOutput } from './dto/deal.output.js';

/** What `include=` may add to a deal. */
export const DEAL_INCLUDES = includeSpec<DealOutput>()({
  ...linksTo('contact', 'listing', 'lead'),
  ...ASSIGNEE_AND_CREATOR,
});

export const DEAL_INCLUDE_NAMES = includeNames(DEAL_INCLUDES);
export type DealInclude = keyof typeof DEAL_INCLUDES;
