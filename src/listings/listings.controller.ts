import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { type Page, PageOf, PageQuery } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint, RestoreRoute, SoftDeleteRoute } from '../http/endpoint.decorator.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { CreateListingInput, UpdateListingInput } from './dto/listing.input.js';
import {
  ListingHistoryOutput,
  ListingOutput,
  ListingPriceChangeOutput,
  ListingStatusChangeOutput,
} from './dto/listing.output.js';
import { ListingIncludeQuery, ListListingsQuery } from './dto/list-listings.query.js';
import { ListingsService } from './listings.service.js';

/** MLS_NUMBER_TAKEN counts deleted listings too; INVALID_ASSIGNEE: the listing agent is not a writing member. */
const WRITE_RULES = [ErrorCode.MlsNumberTaken, ErrorCode.InvalidAssignee, ErrorCode.BusinessRule] as const;

@TenantRoute('listings')
@Controller({ path: 'listings', version: '1' })
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Post()
  @Endpoint({
    summary: 'Create a listing (pricePerSqft is derived from price / squareFeet when not given)',
    ok: ListingOutput,
    created: '/v1/listings/{id}',
    errors: WRITE_RULES,
  })
  create(@Body() input: CreateListingInput): Promise<ListingOutput> {
    return this.listings.create(input);
  }

  @Get()
  @Endpoint({
    summary: 'Search listings',
    description:
      'Filters combine with AND; list filters take comma-separated values. standardStatus takes RESO ' +
      'StandardStatus values (docs/reso-mapping.md). city and state match exactly but case-insensitively; q ' +
      'searches title, address, MLS number and description.',
    ok: PageOf(ListingOutput),
  })
  list(@Query() query: ListListingsQuery): Promise<Page<ListingOutput>> {
    return this.listings.list(query);
  }

  @Get(':id')
  @Endpoint({ summary: 'Get a listing', ok: ListingOutput })
  get(@IdParam() id: string, @Query() query: ListingIncludeQuery): Promise<ListingOutput> {
    return this.listings.get(id, query.include);
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Update a listing (only the fields sent); price and status changes are recorded',
    ok: ListingOutput,
    errors: WRITE_RULES,
    ifMatch: 'listing',
  })
  update(@IdParam() id: string, @Body() input: UpdateListingInput): Promise<ListingOutput> {
    return this.listings.update(id, input);
  }

  @SoftDeleteRoute('listing', ' (it keeps its MLS number)')
  remove(@IdParam() id: string): Promise<void> {
    return this.listings.remove(id);
  }

  @RestoreRoute('listing', ListingOutput)
  restore(@IdParam() id: string): Promise<ListingOutput> {
    return this.listings.restore(id);
  }

  @Get(':id/price-history')
  @Endpoint({
    summary: "A listing's price changes, newest first (the last is its initial price)",
    ok: PageOf(ListingPriceChangeOutput),
  })
  priceHistory(@IdParam() id: string, @Query() page: PageQuery): Promise<Page<ListingPriceChangeOutput>> {
    return this.listings.priceHistory(id, page);
  }

  @Get(':id/status-history')
  @Endpoint({
    summary: "A listing's status changes, newest first (the last is its initial status)",
    ok: PageOf(ListingStatusChangeOutput),
  })
  statusHistory(@IdParam() id: string, @Query() page: PageQuery): Promise<Page<ListingStatusChangeOutput>> {
    return this.listings.statusHistory(id, page);
  }

  @Get(':id/history')
  @Endpoint({
    summary: "A listing's price and status changes, unpaged",
    description: 'Deprecated: use price-history and status-history, which are pages like every other list.',
    ok: ListingHistoryOutput,
    deprecated: true,
  })
  history(@IdParam() id: string): Promise<ListingHistoryOutput> {
    return this.listings.history(id);
  }
}
