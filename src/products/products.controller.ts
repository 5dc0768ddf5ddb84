import { ErrorCode } from '../common/errors.js';
import { PageOf } from '../common/pagination.js';
import { ResourceRoutes } from '../http/resource-routes.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { CreateProductInput, UpdateProductInput } from './dto/product.input.js';
import { ProductOutput } from './dto/product.output.js';
import { ListProductsQuery, ProductIncludeQuery } from './dto/list-products.query.js';
import { ProductsService } from './products.service.js';

/** PRODUCT_ACTIVE_LIMIT: a fourth active product; CONFLICT: another live product has the name. */
const WRITE_RULES = [ErrorCode.ProductActiveLimit, ErrorCode.Conflict] as const;

@TenantController('products')
@ResourceRoutes('product', {
  create: {
    summary: 'Create a service line (product)',
    description: 'At most 3 live products of the organization are active at once.',
    body: CreateProductInput,
    ok: ProductOutput,
    created: '/v1/products/{id}',
    errors: WRITE_RULES,
  },
  list: {
    summary: "List the organization's service lines",
    description: 'Default order: name.',
    query: ListProductsQuery,
    ok: PageOf(ProductOutput),
  },
  get: { summary: 'Get a service line', query: ProductIncludeQuery, ok: ProductOutput },
  update: {
    summary: 'Update a service line (only the fields sent)',
    description: 'Activating a fourth product answers 409 PRODUCT_ACTIVE_LIMIT.',
    body: UpdateProductInput,
    ok: ProductOutput,
    errors: WRITE_RULES,
  },
  softDelete: { note: ' (contacts keep their productId; it no longer counts as active)' },
  restore: { ok: ProductOutput, errors: WRITE_RULES },
  writeRoles: ['ADMIN'],
})
export class ProductsController {
  constructor(readonly service: ProductsService) {}
}
