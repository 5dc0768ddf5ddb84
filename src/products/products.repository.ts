import { Injectable } from '@nestjs/common';
import { Conflict, ErrorCode } from '../common/errors.js';
import { sqlState } from '../common/error-mapper.js';
import { containsText } from '../common/search.js';
import { parseSort } from '../common/sort.js';
import { findPage } from '../database/find-page.js';
import { TenantRepository } from '../database/tenant-repository.js';
import { Prisma } from '../generated/prisma/client.js';
import type { ListProductsQuery, ProductSortField } from './dto/list-products.query.js';

export type ProductRow = Prisma.ProductGetPayload<object>;
export type ProductWrite = Omit<Prisma.ProductUncheckedCreateInput, 'organizationId' | 'id'>;

/** The SQLSTATE app.check_active_products() raises (migration 20261206220000). */
const ACTIVE_LIMIT_STATE = 'CRM01';
export const MAX_ACTIVE_PRODUCTS = 3;

@Injectable()
export class ProductsRepository extends TenantRepository {
  list(query: ListProductsQuery): Promise<[ProductRow[], number]> {
    const orderBy: Prisma.ProductOrderByWithRelationInput[] = [
      ...parseSort<ProductSortField>(query.sort, 'name').map((k) => ({ [k.field]: k.direction })),
      { id: 'asc' },
    ];
    return findPage(this.db.tx.product, this.listWhere(query), orderBy, query);
  }

  private listWhere(q: ListProductsQuery): Prisma.ProductWhereInput {
    const where: Prisma.ProductWhereInput = { organizationId: this.orgId };
    if (!q.includeDeleted) where.deletedAt = null;
    if (q.active !== undefined) where.active = q.active;
    if (q.ids?.length) where.id = { in: q.ids };
    if (q.q) where.name = containsText(q.q);
    return where;
  }

  /** A live (not soft-deleted) product, or null — another organization's id is simply not found (RLS). */
  findLive(id: string): Promise<ProductRow | null> {
    return this.db.tx.product.findFirst({ where: this.whereRow(id) });
  }

  /** A soft-deleted product (what restore looks for), or null. */
  findDeleted(id: string): Promise<ProductRow | null> {
    return this.db.tx.product.findFirst({ where: this.whereRow(id, true) });
  }

  /** Ids of the live active products, oldest first: what a 409 PRODUCT_ACTIVE_LIMIT names. */
  async activeIds(): Promise<string[]> {
    const rows = await this.db.tx.product.findMany({
      where: { organizationId: this.orgId, deletedAt: null, active: true },
      select: { id: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((r) => r.id);
  }

  create(data: ProductWrite): Promise<ProductRow> {
    return this.guard(() => this.db.tx.product.create({ data: { ...data, organizationId: this.orgId } }));
  }

  /** Updates a product in the given deleted/live state; null when no such row is visible. */
  async update(id: string, data: Prisma.ProductUncheckedUpdateManyInput, deleted = false): Promise<ProductRow | null> {
    const rows = await this.guard(() =>
      this.db.tx.product.updateManyAndReturn({ where: this.whereRow(id, deleted), data }),
    );
    return rows[0] ?? null;
  }

  /**
   * The database's two rules as the API's errors: the active limit (the trigger, which holds
   * under concurrency: a request that lost the race gets the 409 without ref, since its
   * transaction is aborted) and a live name taken (products_org_name_live_key).
   */
  private async guard<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (sqlState(error) === ACTIVE_LIMIT_STATE) throw activeLimitReached();
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new Conflict('Another live product already has this name', ErrorCode.Conflict, [
          { field: 'name', message: 'is already used by another product of the organization (any case)' },
        ]);
      }
      throw error;
    }
  }
}

/** 409 PRODUCT_ACTIVE_LIMIT; `productIds` (the active ones) when known. */
export const activeLimitReached = (productIds?: string[]): Conflict =>
  new Conflict(
    `An organization has at most ${MAX_ACTIVE_PRODUCTS} active products: deactivate one first`,
    ErrorCode.ProductActiveLimit,
    [{ field: 'active', message: `at most ${MAX_ACTIVE_PRODUCTS} products of the organization may be active` }],
    productIds ? { productIds } : undefined,
  );
