import type { ProductOutput } from './dto/product.output.js';
import type { ProductRow } from './products.repository.js';

/** Exactly the fields that leave the server (no organization_id). */
export function toProductOutput(p: ProductRow): ProductOutput {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    active: p.active,
    createdById: p.createdById,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    version: p.version,
    deletedAt: p.deletedAt?.toISOString() ?? null,
  };
}
