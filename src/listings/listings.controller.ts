import { Get } from '@nestjs/common';
import { ErrorCode } from '../common/errors.js';
import { PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
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

@TenantController('listings')
@ResourceRoutes('listing', {
  create: {
    summary: 'Create a listing (pricePerSqft is derived from price / squareFeet when not given)',
    body: CreateListingInput,
    ok: ListingOutput,
    created: '/v1/listings/{id}',
    errors: WRITE_RULES,
  },
  list: {
    summary: 'Search listings',
    description:
      'Filters combine with AND; list filters take comma-separated values. standardStatus takes RESO ' +
      'StandardStatus values (docs/reso-mapping.md). city and state match exactly but case-insensitively; q ' +
      'searches title, address, MLS number and description.',
    query: ListListingsQuery,
    ok: PageOf(ListingOutput),
  },
  get: { summary: 'Get a listing', query: ListingIncludeQuery, ok: ListingOutput },
  update: {
    summary: 'Update a listing (only the fields sent); price and status changes are recorded',
    body: UpdateListingInput,
    ok: ListingOutput,
    errors: WRITE_RULES,
  },
  softDelete: { note: ' (it keeps its MLS number)' },
  restore: { ok: ListingOutput },
  histories: {
    priceHistory: {
      path: 'price-history',
      summary: "A listing's price changes, newest first (the last is its initial price)",
      ok: PageOf(ListingPriceChangeOutput),
    },
    statusHistory: {
      path: 'status-history',
      summary: "A listing's status changes, newest first (the last is its initial status)",
      ok: PageOf(ListingStatusChangeOutput),
    },
  },
})
export class ListingsController {
  constructor(readonly service: ListingsService) {}

  @Get(':id/history')
  @Endpoint({
    summary: "A listing's price and status changes, unpaged",
    description: 'Deprecated: use price-history and status-history, which are pages like every other list.',
    ok: ListingHistoryOutput,
    deprecated: true,
  })
  history(@IdParam() id: string): Promise<ListingHistoryOutput> {
    return this.service.history(id);
  }
}
