import { ASSIGNEE_AND_CREATOR, includeNames, includeSpec, linksTo } from '../includes/include-spec.js';
import type { ActivityOutput } from './dto/activity.output.js';

/** What `include=` may add to an activity. */
export const ACTIVITY_INCLUDES = includeSpec<ActivityOutput>()({
  ...linksTo('lead', 'contact', 'deal', 'listing'),
  ...ASSIGNEE_AND_CREATOR,
});

export const ACTIVITY_INCLUDE_NAMES = includeNames(ACTIVITY_INCLUDES);
export type ActivityInclude = keyof typeof ACTIVITY_INCLUDES;
