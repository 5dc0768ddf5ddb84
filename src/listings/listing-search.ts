import { calendarDate } from '../common/dates.js';
import { skipTake } from '../common/pagination.js';
import { containsPattern } from '../common/search.js';
import { parseSort } from '../common/sort.js';
import { Prisma } from '../generated/prisma/client.js';
import type { ListingSortField, ListListingsQuery } from './dto/list-listings.query.js';
import { statusesForStandardStatus } from './reso.js';

/**
 * Listing search as SQL, written for the indexes of migration 20261123030000.
 *
 * The API runs as crm_app under RLS, where a condition becomes an index condition only
 * if its functions are LEAKPROOF. Enum equality, numeric comparison, lower() and ILIKE
 * are not, so: prices compare on the generated bigint price_cents, city/state on the
 * generated lower-case keys (lower() applied to the parameter only), and status values
 * are inlined as literals so the planner can prove the per-status partial index
 * predicates. bench/listings-explain.mjs EXPLAINs exactly these statements.
 */

const SORT_COLUMNS: Record<ListingSortField, { column: string; nullable: boolean }> = {
  createdAt: { column: 'l.created_at', nullable: false },
  updatedAt: { column: 'l.updated_at', nullable: false },
  price: { column: 'l.price_cents', nullable: false },
  listingDate: { column: 'l.listing_date', nullable: true },
  squareFeet: { column: 'l.square_feet', nullable: true },
};

function statusFilter(q: ListListingsQuery): string[] | undefined {
  const fromReso = q.standardStatus?.length ? statusesForStandardStatus(q.standardStatus) : undefined;
  if (!q.status?.length) return fromReso;
  return fromReso ? q.status.filter((s) => fromReso.includes(s)) : q.status;
}

/** Enum values as SQL literals (they passed enum validation; the check below keeps it so). */
function enumLiterals(values: readonly string[], type: string): Prisma.Sql {
  if (!values.every((v) => /^[A-Z_]+$/.test(v))) throw new Error(`Not ${type} values: ${values.join(', ')}`);
  return Prisma.raw(values.map((v) => `'${v}'::"${type}"`).join(', '));
}

/** A decimal-string amount as bigint cents, computed on the parameter (no column inside a non-leakproof call). */
const cents = (amount: string): Prisma.Sql => Prisma.sql`(${amount}::numeric * 100)::bigint`;

/** The WHERE clause (without the keyword) for a search in one organization. */
export function listingWhere(orgId: string, q: ListListingsQuery): Prisma.Sql {
  const c: Prisma.Sql[] = [Prisma.sql`l.organization_id = ${orgId}::uuid`];
  if (!q.includeDeleted) c.push(Prisma.sql`l.deleted_at IS NULL`);
  const statuses = statusFilter(q);
  if (statuses) {
    c.push(statuses.length ? Prisma.sql`l.status IN (${enumLiterals(statuses, 'ListingStatus')})` : Prisma.sql`false`);
  }
  if (q.propertyType?.length) c.push(Prisma.sql`l.property_type IN (${enumLiterals(q.propertyType, 'PropertyType')})`);
  if (q.priceMin !== undefined) c.push(Prisma.sql`l.price_cents >= ${cents(q.priceMin)}`);
  if (q.priceMax !== undefined) c.push(Prisma.sql`l.price_cents <= ${cents(q.priceMax)}`);
  if (q.bedroomsMin !== undefined) c.push(Prisma.sql`l.bedrooms >= ${q.bedroomsMin}::int`);
  if (q.bathroomsMin !== undefined) c.push(Prisma.sql`l.bathrooms >= ${q.bathroomsMin}::numeric`);
  if (q.squareFeetMin !== undefined) c.push(Prisma.sql`l.square_feet >= ${q.squareFeetMin}::int`);
  if (q.squareFeetMax !== undefined) c.push(Prisma.sql`l.square_feet <= ${q.squareFeetMax}::int`);
  if (q.city) c.push(Prisma.sql`l.city_key = lower(${q.city}::text)`);
  if (q.state) c.push(Prisma.sql`l.state_key = lower(${q.state}::text)`);
  if (q.zipCode) c.push(Prisma.sql`l.zip_code = ${q.zipCode}::text`);
  if (q.listingDateFrom) c.push(Prisma.sql`l.listing_date >= ${calendarDate(q.listingDateFrom)}::date`);
  if (q.listingDateTo) c.push(Prisma.sql`l.listing_date < ${calendarDate(q.listingDateTo)}::date`);
  if (q.assignedToId) c.push(Prisma.sql`l.assigned_to_id = ${q.assignedToId}::uuid`);
  if (q.q) {
    const p = containsPattern(q.q);
    c.push(
      Prisma.sql`(l.title ILIKE ${p}::text OR l.address ILIKE ${p}::text OR l.mls_number ILIKE ${p}::text OR l.description ILIKE ${p}::text)`,
    );
  }
  return Prisma.join(c, ' AND ');
}

/** ORDER BY terms; nullable keys sort NULLS LAST both ways, and id breaks ties in the last key's direction. */
export function listingOrderBy(sort: string | undefined): Prisma.Sql {
  const keys = parseSort<ListingSortField>(sort, '-createdAt');
  const terms = keys.map(({ field, direction }) => {
    const { column, nullable } = SORT_COLUMNS[field];
    return `${column} ${direction.toUpperCase()}${nullable ? ' NULLS LAST' : ''}`;
  });
  terms.push(`l.id ${keys[keys.length - 1].direction.toUpperCase()}`);
  return Prisma.raw(terms.join(', '));
}

/** The page of ids, in order. */
export function listingPageSql(orgId: string, q: ListListingsQuery): Prisma.Sql {
  const { skip, take } = skipTake(q);
  return Prisma.sql`SELECT l.id FROM listings l WHERE ${listingWhere(orgId, q)}
    ORDER BY ${listingOrderBy(q.sort)} LIMIT ${take}::int OFFSET ${skip}::int`;
}

export function listingCountSql(orgId: string, q: ListListingsQuery): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS total FROM listings l WHERE ${listingWhere(orgId, q)}`;
}
