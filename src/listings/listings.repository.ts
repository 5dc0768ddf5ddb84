import { type PageQuery } from '../common/pagination.js';
import { Injectable } from '@nestjs/common';
import { Conflict, ErrorCode } from '../common/errors.js';
import { cursorBatches } from '../database/cursor.js';
import { findPage } from '../database/find-page.js';
import { TenantRepository } from '../database/tenant-repository.js';
import { Prisma } from '../generated/prisma/client.js';
import type { ListListingsQuery } from './dto/list-listings.query.js';
import { listingCount, type ListingFilters, listingPage, listingRows } from './listing-search.js';

export type ListingRow = Prisma.ListingGetPayload<object>;
export type ListingWrite = Omit<Prisma.ListingUncheckedCreateInput, 'organizationId' | 'id'>;
export type ListingPriceChangeRow = Prisma.ListingPriceHistoryGetPayload<object>;
export type ListingStatusChangeRow = Prisma.ListingStatusHistoryGetPayload<object>;

export const mlsNumberTaken = (mlsNumber: string): Conflict =>
  new Conflict(`MLS number ${mlsNumber} is already used by a listing of this organization`, ErrorCode.MlsNumberTaken, [
    { field: 'mlsNumber', message: 'is already used by another listing (deleted ones included)' },
  ]);

const HISTORY_ORDER = [{ changedAt: 'desc' as const }, { id: 'desc' as const }];

@Injectable()
export class ListingsRepository extends TenantRepository {
  /** One page of the search (listing-search.ts) and its total: one statement unless past the last page. */
  async search(query: ListListingsQuery): Promise<[(ListingRow & { total?: number | null })[], number]> {
    const rows = await listingPage(this.db.sql, this.orgId, query).execute();
    // Rows keep their `total` column (the mapper reads only the output's fields): no copy per row.
    if (rows.length) return [rows, rows[0].total ?? 0];
    const { total } = await listingCount(this.db.sql, this.orgId, query).executeTakeFirstOrThrow();
    return [[], total];
  }

  /** Every listing the search matches, in its order, in batches (a cursor: see cursor.ts). */
  exportBatches(query: ListingFilters): AsyncGenerator<ListingRow[]> {
    return cursorBatches(this.db.sql, listingRows(this.db.sql, this.orgId, query));
  }

  /** A live (not soft-deleted) listing, or null — another organization's id is simply not found (RLS). */
  findLive(id: string): Promise<ListingRow | null> {
    return this.db.tx.listing.findFirst({ where: this.whereRow(id) });
  }

  /** The listing (live or deleted) holding this MLS number, if any. */
  findByMlsNumber(mlsNumber: string): Promise<{ id: string; deletedAt: Date | null } | null> {
    return this.db.tx.listing.findFirst({
      where: { organizationId: this.orgId, mlsNumber },
      select: { id: true, deletedAt: true },
    });
  }

  /** Whether another listing of this organization (live or deleted) holds the MLS number. */
  async mlsNumberInUse(mlsNumber: string, exceptId?: string): Promise<boolean> {
    const row = await this.db.tx.listing.findFirst({
      where: { organizationId: this.orgId, mlsNumber, ...(exceptId && { id: { not: exceptId } }) },
      select: { id: true },
    });
    return row !== null;
  }

  async create(data: ListingWrite): Promise<ListingRow> {
    return this.mlsGuard(data.mlsNumber, () =>
      this.db.tx.listing.create({ data: { ...data, organizationId: this.orgId } }),
    );
  }

  /** Updates a listing in the given deleted/live state; returns null when no such row is visible. */
  async update(id: string, data: Prisma.ListingUncheckedUpdateManyInput, deleted = false): Promise<ListingRow | null> {
    const rows = await this.mlsGuard(data.mlsNumber, () =>
      this.db.tx.listing.updateManyAndReturn({
        where: this.whereRow(id, deleted),
        data,
      }),
    );
    return rows[0] ?? null;
  }

  /** One page of price changes, newest first, and their total. */
  priceHistory(listingId: string, page: PageQuery): Promise<[ListingPriceChangeRow[], number]> {
    const where = { organizationId: this.orgId, listingId };
    return findPage(this.db.tx.listingPriceHistory, where, HISTORY_ORDER, page);
  }

  /** One page of status changes, newest first, and their total. */
  statusHistory(listingId: string, page: PageQuery): Promise<[ListingStatusChangeRow[], number]> {
    const where = { organizationId: this.orgId, listingId };
    return findPage(this.db.tx.listingStatusHistory, where, HISTORY_ORDER, page);
  }

  async history(listingId: string): Promise<[ListingPriceChangeRow[], ListingStatusChangeRow[]]> {
    const where = { organizationId: this.orgId, listingId };
    return Promise.all([
      this.db.tx.listingPriceHistory.findMany({ where, orderBy: HISTORY_ORDER }),
      this.db.tx.listingStatusHistory.findMany({ where, orderBy: HISTORY_ORDER }),
    ]);
  }

  /** A concurrent writer can take the MLS number between the service's check and this write: same 409. */
  private async mlsGuard<T>(mlsNumber: unknown, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (
        typeof mlsNumber === 'string' &&
        error instanceof Prisma.PrismaClientKnownRequestError &&
        error.code === 'P2002'
      ) {
        throw mlsNumberTaken(mlsNumber);
      }
      throw error;
    }
  }
}
