import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { skipTake } from '../common/pagination.js';
import { containsPattern } from '../common/search.js';
import { parseSort } from '../common/sort.js';
import type { DB } from '../database/schema.js';
import type { Sql } from '../database/sql.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ListingStatus, PropertyType } from '../generated/prisma/enums.js';
import type { ListingSortField, ListListingsQuery } from './dto/list-listings.query.js';
import { statusesForStandardStatus } from './reso.js';

/**
 * Listing search, written for the indexes of migration 20261123030000.
 *
 * The API runs as crm_app under RLS, where a condition becomes an index condition only
 * if its functions are LEAKPROOF. Enum equality, numeric comparison, lower() and ILIKE
 * are not, so: prices compare on the generated bigint price_cents, city/state on the
 * generated lower-case keys (lower() applied to the parameter only), and status values
 * are inlined as literals so the planner can prove the per-status partial index
 * predicates. bench/listings-explain.mjs EXPLAINs exactly these statements.
 */

type Listings = ExpressionBuilder<DB, 'listings'>;

const SORT_COLUMNS = {
  createdAt: { column: 'createdAt', nullable: false },
  updatedAt: { column: 'updatedAt', nullable: false },
  price: { column: 'priceCents', nullable: false },
  listingDate: { column: 'listingDate', nullable: true },
  squareFeet: { column: 'squareFeet', nullable: true },
} as const satisfies Record<ListingSortField, { column: keyof DB['listings']; nullable: boolean }>;

function statusFilter(q: ListingFilters): ListingStatus[] | undefined {
  const fromReso = q.standardStatus?.length ? statusesForStandardStatus(q.standardStatus) : undefined;
  if (!q.status?.length) return fromReso;
  return fromReso ? q.status.filter((s) => fromReso.includes(s)) : q.status;
}

/** Enum values as SQL literals (they passed enum validation; the check below keeps it so). */
function enumLiterals(values: readonly string[], type: 'ListingStatus' | 'PropertyType') {
  if (!values.every((v) => /^[A-Z_]+$/.test(v))) throw new Error(`Not ${type} values: ${values.join(', ')}`);
  // The type's name is raw: the SQL layer would snake-case an identifier.
  return values.map((v) => sql<ListingStatus & PropertyType>`${sql.lit(v)}::${sql.raw(`"${type}"`)}`);
}

/** A decimal-string amount as bigint cents, computed on the parameter (no column inside a non-leakproof call). */
const cents = (amount: string) => sql<bigint>`(${amount}::numeric * 100)::bigint`;

/** The search's filters and sort without its page: what an export of the search reads. */
export type ListingFilters = Omit<ListListingsQuery, 'page' | 'pageSize' | 'include'>;

/** The search's condition in one organization. */
export function listingWhere(eb: Listings, orgId: string, q: ListingFilters): Expression<SqlBool> {
  const c: Expression<SqlBool>[] = [eb('organizationId', '=', orgId)];
  if (!q.includeDeleted) c.push(eb('deletedAt', 'is', null));
  const statuses = statusFilter(q);
  if (statuses) c.push(statuses.length ? eb('status', 'in', enumLiterals(statuses, 'ListingStatus')) : eb.lit(false));
  if (q.propertyType?.length) c.push(eb('propertyType', 'in', enumLiterals(q.propertyType, 'PropertyType')));
  if (q.priceMin !== undefined) c.push(eb('priceCents', '>=', cents(q.priceMin)));
  if (q.priceMax !== undefined) c.push(eb('priceCents', '<=', cents(q.priceMax)));
  if (q.bedroomsMin !== undefined) c.push(eb('bedrooms', '>=', q.bedroomsMin));
  if (q.bathroomsMin !== undefined) c.push(eb('bathrooms', '>=', sql<Prisma.Decimal>`${q.bathroomsMin}::numeric`));
  if (q.squareFeetMin !== undefined) c.push(eb('squareFeet', '>=', q.squareFeetMin));
  if (q.squareFeetMax !== undefined) c.push(eb('squareFeet', '<=', q.squareFeetMax));
  if (q.city) c.push(eb('cityKey', '=', sql<string>`lower(${q.city}::text)`));
  if (q.state) c.push(eb('stateKey', '=', sql<string>`lower(${q.state}::text)`));
  if (q.zipCode) c.push(eb('zipCode', '=', q.zipCode));
  if (q.listingDateFrom) c.push(eb('listingDate', '>=', q.listingDateFrom));
  if (q.listingDateTo) c.push(eb('listingDate', '<', q.listingDateTo));
  if (q.assignedToId) c.push(eb('assignedToId', '=', q.assignedToId));
  if (q.ids?.length) c.push(eb('id', 'in', q.ids));
  if (q.q) {
    const p = containsPattern(q.q);
    c.push(
      eb.or([
        eb('title', 'ilike', p),
        eb('address', 'ilike', p),
        eb('mlsNumber', 'ilike', p),
        eb('description', 'ilike', p),
      ]),
    );
  }
  return eb.and(c);
}

/** ORDER BY: nullable keys sort NULLS LAST both ways, and id breaks ties in the last key's direction. */
export function orderListings<O>(query: SelectQueryBuilder<DB, 'listings', O>, sort: string | undefined) {
  const keys = parseSort<ListingSortField>(sort, '-createdAt');
  for (const { field, direction } of keys) {
    const { column, nullable } = SORT_COLUMNS[field];
    query = query.orderBy(column, (ob) => (nullable ? ob[direction]().nullsLast() : ob[direction]()));
  }
  return query.orderBy('id', keys[keys.length - 1].direction);
}

/** One page of listings, with the search's total beside each row (one statement). */
export function listingPage(db: Sql, orgId: string, q: ListListingsQuery) {
  const { skip, take } = skipTake(q);
  const where = (eb: Listings) => listingWhere(eb, orgId, q);
  const page = db
    .selectFrom('listings')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('listings')
        .select(sql<number>`count(*)::int`.as('n'))
        .where(where)
        .as('total'),
    )
    .where(where);
  return orderListings(page, q.sort).limit(take).offset(skip);
}

/** Every listing the search matches, in its order (no page, no total): for an export's cursor. */
export function listingRows(db: Sql, orgId: string, q: ListingFilters) {
  return orderListings(
    db
      .selectFrom('listings')
      .selectAll()
      .where((eb) => listingWhere(eb, orgId, q)),
    q.sort,
  );
}

/** The search's total alone (a page past the last has no row to carry it). */
export function listingCount(db: Sql, orgId: string, q: ListListingsQuery) {
  return db
    .selectFrom('listings')
    .select(sql<number>`count(*)::int`.as('total'))
    .where((eb) => listingWhere(eb, orgId, q));
}
