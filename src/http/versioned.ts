import { SetMetadata } from '@nestjs/common';
import type { DB } from '../database/schema.js';

/**
 * The records that carry a version (migration 20261206000000: bumped by every UPDATE):
 * their responses have `ETag: "<version>"`, and their writes honour If-Match.
 */
export const VERSIONED = {
  organization: { table: 'organizations', key: 'id', tenant: 'id', param: 'id' },
  member: { table: 'memberships', key: 'userId', tenant: 'organizationId', param: 'userId' },
  lead: { table: 'leads', key: 'id', tenant: 'organizationId', param: 'id' },
  contact: { table: 'contacts', key: 'id', tenant: 'organizationId', param: 'id' },
  listing: { table: 'listings', key: 'id', tenant: 'organizationId', param: 'id' },
  deal: { table: 'deals', key: 'id', tenant: 'organizationId', param: 'id' },
  activity: { table: 'activities', key: 'id', tenant: 'organizationId', param: 'id' },
  appointment: { table: 'appointments', key: 'id', tenant: 'organizationId', param: 'id' },
  ticket: { table: 'tickets', key: 'id', tenant: 'organizationId', param: 'id' },
  campaign: { table: 'campaigns', key: 'id', tenant: 'organizationId', param: 'id' },
  product: { table: 'products', key: 'id', tenant: 'organizationId', param: 'id' },
  acquisitionStage: { table: 'acquisition_stages', key: 'id', tenant: 'organizationId', param: 'id' },
} as const satisfies Record<string, { table: keyof DB; key: string; tenant: string; param: string }>;

export type VersionedResource = keyof typeof VERSIONED;

export const IF_MATCH = 'ifMatch';

/**
 * The route changes this record (named by its path parameter): an If-Match header is
 * checked against the record's current version, under its row lock, in the route's own
 * transaction — 412 PRECONDITION_FAILED when stale. Without If-Match, the last write wins.
 */
export const IfMatch = (resource: VersionedResource): MethodDecorator => SetMetadata(IF_MATCH, resource);

/** `"<version>"`: a strong entity tag. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Whether a current version satisfies an If-Match header value (RFC 9110 §13.1.1): `*`, or
 * one of its entity tags equal by strong comparison (a weak tag never matches).
 */
export function ifMatchSatisfied(header: string, version: number): boolean {
  const value = header.trim();
  if (value === '*') return true;
  const current = etagOf(version);
  return value.split(',').some((tag) => tag.trim() === current);
}
