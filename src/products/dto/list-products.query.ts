import { IdsParam } from '../../common/ids-param.js';
import { IncludeParam } from '../../common/include-param.js';
import { PageQuery } from '../../common/pagination.js';
import { BooleanFilter, IncludeDeletedFilter, SearchFilter } from '../../common/query-filters.js';
import { SortParam } from '../../common/sort.js';
import { PRODUCT_INCLUDE_NAMES, type ProductInclude } from '../products.includes.js';

export const PRODUCT_SORT_FIELDS = ['createdAt', 'updatedAt', 'name'] as const;
export type ProductSortField = (typeof PRODUCT_SORT_FIELDS)[number];

export class ListProductsQuery extends PageQuery {
  @SortParam(PRODUCT_SORT_FIELDS, 'name')
  sort?: string;

  @BooleanFilter('Only active (true) or only inactive (false) products')
  active?: boolean;

  @SearchFilter('Case-insensitive search over the name')
  q?: string;

  @IncludeDeletedFilter('products')
  includeDeleted?: boolean;

  @IdsParam('products')
  ids?: string[];

  @IncludeParam(PRODUCT_INCLUDE_NAMES)
  include?: ProductInclude[];
}

/** GET /v1/products/{id}: the related records to add. */
export class ProductIncludeQuery {
  @IncludeParam(PRODUCT_INCLUDE_NAMES)
  include?: ProductInclude[];
}
