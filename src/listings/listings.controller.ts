import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body.js';
import { type Page, PageOf } from '../common/pagination.js';
import { IdParam } from '../common/uuid-param.pipe.js';
import { TenantRoute } from '../tenancy/tenant-route.decorator.js';
import { ListListingsQuery } from './dto/list-listings.query.js';
import { CreateListingInput, UpdateListingInput } from './dto/listing.input.js';
import { ListingHistoryOutput, ListingOutput } from './dto/listing.output.js';
import { ListingsService } from './listings.service.js';

const NOT_FOUND = { type: ErrorBody, description: 'No such listing in this organization' };
const MLS_TAKEN = { type: ErrorBody, description: 'MLS_NUMBER_TAKEN (deleted listings included)' };
const RULES = {
  type: ErrorBody,
  description: 'INVALID_ASSIGNEE (listing agent not a writing member), expirationDate before listingDate',
};

@ApiTags('listings')
@TenantRoute()
@Controller({ path: 'listings', version: '1' })
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a listing (pricePerSqft is derived from price / squareFeet when not given)' })
  @ApiCreatedResponse({ type: ListingOutput })
  @ApiConflictResponse(MLS_TAKEN)
  @ApiUnprocessableEntityResponse(RULES)
  create(@Body() input: CreateListingInput): Promise<ListingOutput> {
    return this.listings.create(input);
  }

  @Get()
  @ApiOperation({
    summary: 'Search listings',
    description:
      'Filters combine with AND; list filters take comma-separated values. standardStatus takes RESO ' +
      'StandardStatus values (docs/reso-mapping.md). city and state match exactly but case-insensitively; q ' +
      'searches title, address, MLS number and description.',
  })
  @ApiOkResponse({ type: PageOf(ListingOutput) })
  list(@Query() query: ListListingsQuery): Promise<Page<ListingOutput>> {
    return this.listings.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a listing' })
  @ApiOkResponse({ type: ListingOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@IdParam() id: string): Promise<ListingOutput> {
    return this.listings.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a listing (only the fields sent); price and status changes are recorded' })
  @ApiOkResponse({ type: ListingOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse(MLS_TAKEN)
  @ApiUnprocessableEntityResponse(RULES)
  update(@IdParam() id: string, @Body() input: UpdateListingInput): Promise<ListingOutput> {
    return this.listings.update(id, input);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Soft-delete a listing (it keeps its MLS number)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@IdParam() id: string): Promise<void> {
    return this.listings.remove(id);
  }

  @Post(':id/restore')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Restore a soft-deleted listing' })
  @ApiOkResponse({ type: ListingOutput })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No deleted listing with this id' })
  restore(@IdParam() id: string): Promise<ListingOutput> {
    return this.listings.restore(id);
  }

  @Get(':id/history')
  @ApiOperation({
    summary: "A listing's price and status changes, each newest first, starting from its initial values",
  })
  @ApiOkResponse({ type: ListingHistoryOutput })
  @ApiNotFoundResponse(NOT_FOUND)
  history(@IdParam() id: string): Promise<ListingHistoryOutput> {
    return this.listings.history(id);
  }
}
