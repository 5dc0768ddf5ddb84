import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import {
  DecimalFilter,
  EnumListFilter,
  ExactTextFilter,
  IncludeDeletedFilter,
  IntBoundFilter,
  SearchFilter,
  UuidFilter,
} from '../../common/query-filters.js';
import { SortParam } from '../../common/sort.js';
import { ListingStatus, PropertyType } from '../../generated/prisma/enums.js';
import { RESO_STANDARD_STATUSES, type ResoStandardStatus } from '../reso.js';
import { MONEY } from '../../common/dto-fields.js';
import { BATHROOMS } from './listing.input.js';
import { RangeFrom, RangeTo } from '../../common/dates.js';
import { LISTING_INCLUDE_NAMES, type ListingInclude } from '../listings.includes.js';

export const LISTING_SORT_FIELDS = ['createdAt', 'updatedAt', 'price', 'listingDate', 'squareFeet'] as const;
export type ListingSortField = (typeof LISTING_SORT_FIELDS)[number];

const MAX_SQUARE_FEET = 100_000_000;

export class ListListingsQuery extends PageQuery {
  @SortParam(LISTING_SORT_FIELDS, '-createdAt')
  sort?: string;

  @EnumListFilter(ListingStatus, { example: 'ACTIVE,PENDING' })
  status?: ListingStatus[];

  @EnumListFilter(RESO_STANDARD_STATUSES, {
    description: 'RESO StandardStatus values, comma-separated (docs/reso-mapping.md)',
  })
  standardStatus?: ResoStandardStatus[];

  @EnumListFilter(PropertyType, { example: 'CONDO,TOWNHOUSE' })
  propertyType?: PropertyType[];

  @DecimalFilter(
    MONEY,
    'Minimum price (inclusive), decimal string',
    'priceMin must be a non-negative decimal string such as "500000.00"',
  )
  priceMin?: string;

  @DecimalFilter(
    MONEY,
    'Maximum price (inclusive), decimal string',
    'priceMax must be a non-negative decimal string such as "1500000.00"',
  )
  priceMax?: string;

  @IntBoundFilter(1000)
  bedroomsMin?: number;

  @DecimalFilter(BATHROOMS, 'Decimal string', 'bathroomsMin must be a decimal string such as "1.5"')
  bathroomsMin?: string;

  @IntBoundFilter(MAX_SQUARE_FEET)
  squareFeetMin?: number;

  @IntBoundFilter(MAX_SQUARE_FEET)
  squareFeetMax?: number;

  @ExactTextFilter('Exact, case-insensitive', 100)
  city?: string;

  @ExactTextFilter('Exact, case-insensitive', 100)
  state?: string;

  @ExactTextFilter('Exact', 20)
  zipCode?: string;

  @RangeFrom('listingDate', 'date')
  listingDateFrom?: Date;

  @RangeTo('listingDate', 'date')
  listingDateTo?: Date;

  @UuidFilter('Listing agent')
  assignedToId?: string;

  @SearchFilter('Case-insensitive search in title, address, MLS number and description')
  q?: string;

  @IncludeDeletedFilter('listings')
  includeDeleted?: boolean;

  @IdsParam('listings')
  ids?: string[];

  @IncludeParam(LISTING_INCLUDE_NAMES)
  include?: ListingInclude[];
}

/** GET /v1/listings/{id}: the related records to add. */
export class ListingIncludeQuery {
  @IncludeParam(LISTING_INCLUDE_NAMES)
  include?: ListingInclude[];
}
