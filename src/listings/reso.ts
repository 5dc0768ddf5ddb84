import { ListingStatus, PropertyType } from '../generated/prisma/enums.js';

/**
 * Our listing enums expressed in the RESO Data Dictionary 2.0 vocabulary (Property
 * resource: StandardStatus, PropertyType, PropertySubType). The mapping and its
 * reasons are documented in docs/reso-mapping.md; keep the two in step.
 */

/** The StandardStatus lookup (RESO DD 2.0, "Locked with Enumerations"). */
export const RESO_STANDARD_STATUSES = [
  'Active',
  'Active Under Contract',
  'Canceled',
  'Closed',
  'Coming Soon',
  'Delete',
  'Expired',
  'Hold',
  'Incomplete',
  'Pending',
  'Withdrawn',
] as const;
export type ResoStandardStatus = (typeof RESO_STANDARD_STATUSES)[number];

/** The PropertyType lookup (RESO DD 2.0). */
export const RESO_PROPERTY_TYPES = [
  'Business Opportunity',
  'Commercial Lease',
  'Commercial Sale',
  'Farm',
  'Land',
  'Manufactured In Park',
  'Residential',
  'Residential Income',
  'Residential Lease',
] as const;
export type ResoPropertyType = (typeof RESO_PROPERTY_TYPES)[number];

/** The PropertySubType values we emit (a subset of the RESO DD 2.0 lookup). */
export const RESO_PROPERTY_SUB_TYPES = [
  'Single Family Residence',
  'Condominium',
  'Townhouse',
  'Unimproved Land',
] as const;
export type ResoPropertySubType = (typeof RESO_PROPERTY_SUB_TYPES)[number];

export const STANDARD_STATUS: Readonly<Record<ListingStatus, ResoStandardStatus>> = {
  ACTIVE: 'Active',
  PENDING: 'Pending',
  CONTINGENT: 'Active Under Contract',
  SOLD: 'Closed',
  EXPIRED: 'Expired',
  WITHDRAWN: 'Withdrawn',
};

export interface ResoPropertyClass {
  propertyType: ResoPropertyType;
  /** null when our enum does not say which RESO subtype applies (see docs/reso-mapping.md). */
  propertySubType: ResoPropertySubType | null;
}

export const PROPERTY_CLASS: Readonly<Record<PropertyType, ResoPropertyClass>> = {
  RESIDENTIAL: { propertyType: 'Residential', propertySubType: 'Single Family Residence' },
  CONDO: { propertyType: 'Residential', propertySubType: 'Condominium' },
  TOWNHOUSE: { propertyType: 'Residential', propertySubType: 'Townhouse' },
  // RESO's Residential Income subtypes are Duplex / Triplex / Quadruplex (2–4 units), which we do
  // not record; "Multi Family" is a Commercial (5+ units) subtype. So: the type, no subtype.
  MULTI_FAMILY: { propertyType: 'Residential Income', propertySubType: null },
  // Commercial subtypes are Office, Retail, Industrial, Warehouse, … — none generic.
  COMMERCIAL: { propertyType: 'Commercial Sale', propertySubType: null },
  LAND: { propertyType: 'Land', propertySubType: 'Unimproved Land' },
  // Luxury is a market segment, not a RESO type: a luxury home is a single-family residence.
  LUXURY: { propertyType: 'Residential', propertySubType: 'Single Family Residence' },
};

export interface ResoFields extends ResoPropertyClass {
  standardStatus: ResoStandardStatus;
}

export function toReso(listing: { status: ListingStatus; propertyType: PropertyType }): ResoFields {
  return { standardStatus: STANDARD_STATUS[listing.status], ...PROPERTY_CLASS[listing.propertyType] };
}

/** Our statuses that map to any of the given RESO StandardStatus values (none for e.g. Coming Soon). */
export function statusesForStandardStatus(values: readonly ResoStandardStatus[]): ListingStatus[] {
  const wanted = new Set<string>(values);
  return (Object.keys(STANDARD_STATUS) as ListingStatus[]).filter((s) => wanted.has(STANDARD_STATUS[s]));
}
