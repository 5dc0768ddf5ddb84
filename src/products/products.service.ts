import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, ErrorCode, NotFound } from '../common/errors.js';
import { assertMayIncludeDeleted } from '../common/include-deleted.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import { IncludesService } from '../includes/includes.service.js';
import type { CreateProductInput, UpdateProductInput } from './dto/product.input.js';
import type { ProductOutput } from './dto/product.output.js';
import type { ListProductsQuery } from './dto/list-products.query.js';
import { PRODUCT_INCLUDES, type ProductInclude } from './products.includes.js';
import { toProductOutput } from './products.mapper.js';
import { activeLimitReached, MAX_ACTIVE_PRODUCTS, type ProductRow, ProductsRepository } from './products.repository.js';

/**
 * Service lines (seed 001's products): ADMINs write (the controller and RLS both say so), every
 * member reads. The 3-active limit is the database's (a trigger under an advisory lock); the
 * check here only answers the usual case with the active products' ids.
 */
@Injectable()
export class ProductsService {
  constructor(
    private readonly db: TenantDb,
    private readonly products: ProductsRepository,
    private readonly includes: IncludesService,
  ) {}

  list(query: ListProductsQuery): Promise<Page<ProductOutput>> {
    return this.db.run(async () => {
      assertMayIncludeDeleted(query.includeDeleted, this.db.role);
      const [rows, total] = await this.products.list(query);
      const data = await this.includes.expand(rows.map(toProductOutput), query.include, PRODUCT_INCLUDES);
      return pageOf(data, total, query);
    });
  }

  get(id: string, include?: readonly ProductInclude[]): Promise<ProductOutput> {
    return this.db.run(async () =>
      this.includes.expandOne(toProductOutput(await this.mustFind(id)), include, PRODUCT_INCLUDES),
    );
  }

  create(input: CreateProductInput): Promise<ProductOutput> {
    return this.db.run(async () => {
      if (input.active !== false) await this.checkRoomForActive();
      return toProductOutput(await this.products.create({ ...input, createdById: this.db.userId }));
    });
  }

  update(id: string, input: UpdateProductInput): Promise<ProductOutput> {
    return this.db.run(async () => {
      const current = await this.mustFind(id);
      if (input.active && !current.active) await this.checkRoomForActive();
      const { name, active, ...nullable } = input;
      // Required columns ignore an explicit null (validation already refused it).
      const updated = await this.products.update(id, {
        ...nullable,
        ...(name != null && { name }),
        ...(active != null && { active }),
      });
      if (!updated) throw new NotFound('Product');
      return toProductOutput(updated);
    });
  }

  /** Contacts keep a deleted product's id; it no longer counts as active. */
  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      if (!(await this.products.update(id, { deletedAt: new Date() }))) throw new NotFound('Product');
    });
  }

  /** An active product comes back active only if there is room (409 PRODUCT_ACTIVE_LIMIT otherwise). */
  restore(id: string): Promise<ProductOutput> {
    return this.db.run(async () => {
      const deleted = await this.products.findDeleted(id);
      if (!deleted) throw new NotFound('Deleted product');
      if (deleted.active) await this.checkRoomForActive();
      const restored = await this.products.update(id, { deletedAt: null }, true);
      if (!restored) throw new NotFound('Deleted product');
      return toProductOutput(restored);
    });
  }

  /**
   * 422 INVALID_REFERENCE unless the id names a live product of the organization (a contact's
   * productId). Call inside the caller's unit of work; null and absent are not checked.
   */
  async assertLinkable(id: string | null | undefined, field = 'productId'): Promise<void> {
    if (!id || (await this.products.findLive(id))) return;
    throw new BusinessRuleViolation('A linked record does not exist', ErrorCode.InvalidReference, [
      { field, message: 'no such product in this organization' },
    ]);
  }

  private async mustFind(id: string): Promise<ProductRow> {
    const product = await this.products.findLive(id);
    if (!product) throw new NotFound('Product');
    return product;
  }

  private async checkRoomForActive(): Promise<void> {
    const active = await this.products.activeIds();
    if (active.length >= MAX_ACTIVE_PRODUCTS) throw activeLimitReached(active);
  }
}
