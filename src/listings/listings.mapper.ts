import { calendarDate } from '../common/dates.js';
import type { ListingOutput, ListingPriceChangeOutput, ListingStatusChangeOutput } from './dto/listing.output.js';
import type { ListingPriceChangeRow, ListingRow, ListingStatusChangeRow } from './listings.repository.js';
import { toReso } from './reso.js';

/** Exactly the fields that leave the server (no organization_id), plus the RESO view. */
export function toListingOutput(l: ListingRow): ListingOutput {
  return {
    id: l.id,
    title: l.title,
    description: l.description,
    address: l.address,
    city: l.city,
    state: l.state,
    zipCode: l.zipCode,
    country: l.country,
    propertyType: l.propertyType,
    bedrooms: l.bedrooms,
    bathrooms: l.bathrooms?.toFixed(1) ?? null,
    squareFeet: l.squareFeet,
    lotSize: l.lotSize?.toFixed(2) ?? null,
    yearBuilt: l.yearBuilt,
    price: l.price.toFixed(2),
    pricePerSqft: l.pricePerSqft?.toFixed(2) ?? null,
    status: l.status,
    mlsNumber: l.mlsNumber,
    listingDate: l.listingDate && calendarDate(l.listingDate),
    expirationDate: l.expirationDate && calendarDate(l.expirationDate),
    images: l.images,
    virtualTourUrl: l.virtualTourUrl,
    features: l.features,
    notes: l.notes,
    tags: l.tags,
    customFields: (l.customFields as Record<string, unknown> | null) ?? null,
    assignedToId: l.assignedToId,
    createdById: l.createdById,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
    version: l.version,
    deletedAt: l.deletedAt?.toISOString() ?? null,
    reso: toReso(l),
  };
}

export function toListingPriceChangeOutput(h: ListingPriceChangeRow): ListingPriceChangeOutput {
  return {
    id: h.id,
    oldPrice: h.oldPrice?.toFixed(2) ?? null,
    newPrice: h.newPrice.toFixed(2),
    changedById: h.changedById,
    changedAt: h.changedAt.toISOString(),
  };
}

export function toListingStatusChangeOutput(h: ListingStatusChangeRow): ListingStatusChangeOutput {
  return {
    id: h.id,
    fromStatus: h.fromStatus,
    toStatus: h.toStatus,
    changedById: h.changedById,
    changedAt: h.changedAt.toISOString(),
  };
}
