import { includeNames, includeSpec, one } from '../includes/include-spec.js';
import type { ProductOutput } from './dto/product.output.js';

/** What `include=` may add to a product. */
export const PRODUCT_INCLUDES = includeSpec<ProductOutput>()({
  createdBy: one('person', (p) => p.createdById),
});

export const PRODUCT_INCLUDE_NAMES = includeNames(PRODUCT_INCLUDES);
export type ProductInclude = keyof typeof PRODUCT_INCLUDES;
