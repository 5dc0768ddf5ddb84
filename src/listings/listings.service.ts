import { Injectable } from '@nestjs/common';
import { AssigneesService } from '../assignees/assignees.service.js';
import { BusinessRuleViolation, NotFound } from '../common/errors.js';
import { assertMayIncludeDeleted } from '../common/include-deleted.js';
import { type Page, type PageQuery, pageOf } from '../common/pagination.js';
import { jsonInput } from '../common/prisma-json.js';
import { TenantDb } from '../database/tenant-db.js';
import { IncludesService } from '../includes/includes.service.js';
import type { ListListingsQuery } from './dto/list-listings.query.js';
import type { CreateListingInput, UpdateListingInput } from './dto/listing.input.js';
import type {
  ListingHistoryOutput,
  ListingOutput,
  ListingPriceChangeOutput,
  ListingStatusChangeOutput,
} from './dto/listing.output.js';
import { LISTING_INCLUDES, type ListingInclude } from './listings.includes.js';
import { toListingOutput, toListingPriceChangeOutput, toListingStatusChangeOutput } from './listings.mapper.js';
import { type ListingRow, ListingsRepository, mlsNumberTaken } from './listings.repository.js';
import type { ListingFilters } from './listing-search.js';

/** 422 unless the listing's (resulting) expiration date is on or after its listing date. */
export function checkDates(listingDate: Date | null | undefined, expirationDate: Date | null | undefined): void {
  if (listingDate && expirationDate && expirationDate < listingDate) {
    throw new BusinessRuleViolation('expirationDate must not be before listingDate', undefined, [
      { field: 'expirationDate', message: 'must not be before listingDate' },
    ]);
  }
}

@Injectable()
export class ListingsService {
  constructor(
    private readonly db: TenantDb,
    private readonly listings: ListingsRepository,
    private readonly assignees: AssigneesService,
    private readonly includes: IncludesService,
  ) {}

  list(query: ListListingsQuery): Promise<Page<ListingOutput>> {
    return this.db.run(async () => {
      assertMayIncludeDeleted(query.includeDeleted, this.db.role);
      const [rows, total] = await this.listings.search(query);
      const data = await this.includes.expand(rows.map(toListingOutput), query.include, LISTING_INCLUDES);
      return pageOf(data, total, query);
    });
  }

  /**
   * Every row of the list (its filters and sort, no pages), mapped as the list maps them, in
   * batches: for an export, in the caller's unit of work (a snapshot: src/exports).
   */
  async *exportBatches(query: ListingFilters): AsyncGenerator<ListingOutput[]> {
    assertMayIncludeDeleted(query.includeDeleted, this.db.role);
    for await (const rows of this.listings.exportBatches(query)) yield rows.map(toListingOutput);
  }

  get(id: string, include?: readonly ListingInclude[]): Promise<ListingOutput> {
    return this.db.run(async () =>
      this.includes.expandOne(toListingOutput(await this.mustFind(id)), include, LISTING_INCLUDES),
    );
  }

  create(input: CreateListingInput): Promise<ListingOutput> {
    return this.db.run(async () => {
      await this.assignees.assertAssignable(input.assignedToId);
      checkDates(input.listingDate, input.expirationDate);
      await this.checkMlsNumber(input.mlsNumber);
      const { customFields, ...rest } = input;
      // price_per_sqft is derived by the database when absent (trigger listings_price_per_sqft).
      const listing = await this.listings.create({
        ...rest,
        customFields: jsonInput(customFields),
        createdById: this.db.userId,
      });
      return toListingOutput(listing);
    });
  }

  update(id: string, input: UpdateListingInput): Promise<ListingOutput> {
    return this.db.run(async () => {
      const current = await this.mustFind(id);
      await this.assignees.assertAssignable(input.assignedToId);
      checkDates(
        input.listingDate !== undefined ? input.listingDate : current.listingDate,
        input.expirationDate !== undefined ? input.expirationDate : current.expirationDate,
      );
      if (input.mlsNumber !== current.mlsNumber) await this.checkMlsNumber(input.mlsNumber, id);
      const {
        customFields,
        title,
        address,
        city,
        state,
        zipCode,
        country,
        propertyType,
        price,
        status,
        images,
        features,
        tags,
        ...nullable
      } = input;
      // Required columns ignore an explicit null (validation already refused most).
      const updated = await this.listings.update(id, {
        ...nullable,
        ...(title != null && { title }),
        ...(address != null && { address }),
        ...(city != null && { city }),
        ...(state != null && { state }),
        ...(zipCode != null && { zipCode }),
        ...(country != null && { country }),
        ...(propertyType != null && { propertyType }),
        ...(price != null && { price }),
        ...(status != null && { status }),
        ...(images != null && { images }),
        ...(features != null && { features }),
        ...(tags != null && { tags }),
        customFields: jsonInput(customFields),
      });
      if (!updated) throw new NotFound('Listing');
      return toListingOutput(updated);
    });
  }

  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      const deleted = await this.listings.update(id, { deletedAt: new Date() });
      if (!deleted) throw new NotFound('Listing');
    });
  }

  restore(id: string): Promise<ListingOutput> {
    return this.db.run(async () => {
      const restored = await this.listings.update(id, { deletedAt: null }, true);
      if (!restored) throw new NotFound('Deleted listing');
      return toListingOutput(restored);
    });
  }

  history(id: string): Promise<ListingHistoryOutput> {
    return this.db.run(async () => {
      await this.mustFind(id);
      const [price, status] = await this.listings.history(id);
      return { price: price.map(toListingPriceChangeOutput), status: status.map(toListingStatusChangeOutput) };
    });
  }

  priceHistory(id: string, page: PageQuery): Promise<Page<ListingPriceChangeOutput>> {
    return this.db.run(async () => {
      await this.mustFind(id);
      const [rows, total] = await this.listings.priceHistory(id, page);
      return pageOf(rows.map(toListingPriceChangeOutput), total, page);
    });
  }

  statusHistory(id: string, page: PageQuery): Promise<Page<ListingStatusChangeOutput>> {
    return this.db.run(async () => {
      await this.mustFind(id);
      const [rows, total] = await this.listings.statusHistory(id, page);
      return pageOf(rows.map(toListingStatusChangeOutput), total, page);
    });
  }

  private async mustFind(id: string): Promise<ListingRow> {
    const listing = await this.listings.findLive(id);
    if (!listing) throw new NotFound('Listing');
    return listing;
  }

  /**
   * MLS numbers are unique per organization across live and soft-deleted listings
   * (index listings_org_mls_key), so restoring a listing can never collide.
   */
  private async checkMlsNumber(mlsNumber: string | null | undefined, exceptId?: string): Promise<void> {
    if (mlsNumber && (await this.listings.mlsNumberInUse(mlsNumber, exceptId))) throw mlsNumberTaken(mlsNumber);
  }
}
