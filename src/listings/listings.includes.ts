import { type IncludeSpec, includeNames, one } from '../includes/include-spec.js';
import type { ListingOutput } from './dto/listing.output.js';

/** What `include=` may add to a listing. */
export const LISTING_INCLUDES = {
  assignee: one<ListingOutput>('person', (l) => l.assignedToId),
  createdBy: one<ListingOutput>('person', (l) => l.createdById),
} satisfies IncludeSpec<ListingOutput>;

export const LISTING_INCLUDE_NAMES = includeNames(LISTING_INCLUDES);
export type ListingInclude = keyof typeof LISTING_INCLUDES;
