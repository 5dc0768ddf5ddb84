import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { CommaList, QueryBoolean, Trim } from '../../common/query-transforms.js';
import { SortParam } from '../../common/sort.js';
import { ListingStatus, PropertyType } from '../../generated/prisma/enums.js';
import { RESO_STANDARD_STATUSES, type ResoStandardStatus } from '../reso.js';
import { BATHROOMS, PRICE } from './listing.input.js';
import { RangeFrom, RangeTo } from '../../common/dates.js';
import { LISTING_INCLUDE_NAMES, type ListingInclude } from '../listings.includes.js';

export const LISTING_SORT_FIELDS = ['createdAt', 'updatedAt', 'price', 'listingDate', 'squareFeet'] as const;
export type ListingSortField = (typeof LISTING_SORT_FIELDS)[number];

export class ListListingsQuery extends PageQuery {
  @SortParam(LISTING_SORT_FIELDS, '-createdAt')
  sort?: string;

  @ApiPropertyOptional({
    enum: ListingStatus,
    isArray: true,
    description: 'Comma-separated, e.g. ACTIVE,PENDING',
  })
  @IsOptional()
  @CommaList()
  @IsEnum(ListingStatus, { each: true })
  status?: ListingStatus[];

  @ApiPropertyOptional({
    enum: RESO_STANDARD_STATUSES,
    isArray: true,
    description: 'RESO StandardStatus values, comma-separated (docs/reso-mapping.md)',
  })
  @IsOptional()
  @CommaList()
  @IsIn(RESO_STANDARD_STATUSES, { each: true })
  standardStatus?: ResoStandardStatus[];

  @ApiPropertyOptional({
    enum: PropertyType,
    isArray: true,
    description: 'Comma-separated, e.g. CONDO,TOWNHOUSE',
  })
  @IsOptional()
  @CommaList()
  @IsEnum(PropertyType, { each: true })
  propertyType?: PropertyType[];

  @ApiPropertyOptional({ description: 'Minimum price (inclusive), decimal string' })
  @IsOptional()
  @Matches(PRICE, { message: 'priceMin must be a non-negative decimal string such as "500000.00"' })
  priceMin?: string;

  @ApiPropertyOptional({ description: 'Maximum price (inclusive), decimal string' })
  @IsOptional()
  @Matches(PRICE, { message: 'priceMax must be a non-negative decimal string such as "1500000.00"' })
  priceMax?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  bedroomsMin?: number;

  @ApiPropertyOptional({ description: 'Decimal string' })
  @IsOptional()
  @Matches(BATHROOMS, { message: 'bathroomsMin must be a decimal string such as "1.5"' })
  bathroomsMin?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  squareFeetMin?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  squareFeetMax?: number;

  @ApiPropertyOptional({ description: 'Exact, case-insensitive' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  city?: string;

  @ApiPropertyOptional({ description: 'Exact, case-insensitive' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  state?: string;

  @ApiPropertyOptional({ description: 'Exact' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 20)
  zipCode?: string;

  @RangeFrom('listingDate', 'date')
  listingDateFrom?: Date;

  @RangeTo('listingDate', 'date')
  listingDateTo?: Date;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Listing agent',
  })
  @IsOptional()
  @IsUUID()
  assignedToId?: string;

  @ApiPropertyOptional({
    description: 'Case-insensitive search in title, address, MLS number and description',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Also list soft-deleted listings (ADMIN only)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
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
