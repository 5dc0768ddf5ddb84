import { Injectable } from '@nestjs/common';
import { DetailCode, DomainError } from '../common/errors.js';
import type { DuplicatePolicy, ImportRow, RecordImporter, RowOutcome } from '../common/import-rows.js';
import { jsonInput } from '../common/prisma-json.js';
import { TenantDb } from '../database/tenant-db.js';
import { CreateListingInput } from './dto/listing.input.js';
import { ListingsRepository } from './listings.repository.js';
import { checkDates } from './listings.service.js';

/**
 * Imported rows → listings (a CSV, or an MLS feed mapped from RESO's Property resource), with
 * the create route's rules. The MLS number identifies a listing: it is unique in the
 * organization, deleted listings included, so a row whose number is taken is a duplicate —
 * skipped or updating that listing; with `create`, or when the holder is deleted, it fails.
 */
@Injectable()
export class ListingImportWriter implements RecordImporter<CreateListingInput> {
  readonly target = 'listings';
  readonly input = CreateListingInput;
  readonly fields = {
    title: 'text',
    description: 'text',
    address: 'text',
    city: 'text',
    state: 'text',
    zipCode: 'text',
    country: 'text',
    propertyType: 'text',
    bedrooms: 'integer',
    bathrooms: 'text',
    squareFeet: 'integer',
    lotSize: 'text',
    yearBuilt: 'integer',
    price: 'text',
    status: 'text',
    mlsNumber: 'text',
    listingDate: 'text',
    expirationDate: 'text',
    images: 'list',
    virtualTourUrl: 'text',
    features: 'list',
    notes: 'text',
    tags: 'list',
    customFields: 'text',
  } as const;

  constructor(
    private readonly db: TenantDb,
    private readonly listings: ListingsRepository,
  ) {}

  async write(rows: ImportRow<CreateListingInput>[], policy: DuplicatePolicy): Promise<RowOutcome[]> {
    const outcomes: RowOutcome[] = [];
    for (const { row, input } of rows) {
      const failed = (field: string, message: string, code = DetailCode.NotAllowed): void => {
        outcomes.push({ row, result: 'failed', error: { field, message, code } });
      };
      try {
        checkDates(input.listingDate, input.expirationDate);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        failed('expirationDate', 'must not be before listingDate');
        continue;
      }
      const { customFields, assignedToId: _assignee, ...rest } = input;
      const data = { ...rest, ...(customFields !== undefined && { customFields: jsonInput(customFields) }) };
      const holder = input.mlsNumber ? await this.listings.findByMlsNumber(input.mlsNumber) : null;
      if (!holder) {
        await this.listings.create({ ...data, createdById: this.db.context.userId ?? null });
        outcomes.push({ row, result: 'created' });
      } else if (policy === 'skip') {
        outcomes.push({ row, result: 'skipped' });
      } else if (policy === 'update' && !holder.deletedAt) {
        await this.listings.update(holder.id, data);
        outcomes.push({ row, result: 'updated' });
      } else {
        failed(
          'mlsNumber',
          holder.deletedAt
            ? 'a deleted listing holds this MLS number (restore it first)'
            : 'another listing has this MLS number',
          DetailCode.NotUnique,
        );
      }
    }
    return outcomes;
  }
}
