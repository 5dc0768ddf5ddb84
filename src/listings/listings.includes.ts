import { ASSIGNEE_AND_CREATOR, includeNames, includeSpec } from '../includes/include-spec.js';
import type { ListingOutput } from './dto/listing.output.js';

/** What `include=` may add to a listing. */
export const LISTING_INCLUDES = includeSpec<ListingOutput>()({
  ...ASSIGNEE_AND_CREATOR,
});

export const LISTING_INCLUDE_NAMES = includeNames(LISTING_INCLUDES);
export type ListingInclude = keyof typeof LISTING_INCLUDES;
