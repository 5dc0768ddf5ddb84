import { describe, expect, it } from '@jest/globals';
import { containsPattern } from '../common/search.js';
import { createSql } from '../database/sql.js';
import type { ListListingsQuery } from './dto/list-listings.query.js';
import { listingCount, listingPage } from './listing-search.js';

const ORG = '00000000-0000-4000-8000-000000000001';
const query = (q: Partial<ListListingsQuery>) => ({ page: 1, pageSize: 25, ...q }) as ListListingsQuery;
// Compiling needs no connection.
const db = createSql(() => {
  throw new Error('compile only');
});
const where = (q: Partial<ListListingsQuery>) => listingCount(db, ORG, query(q)).compile();

describe('listing search SQL', () => {
  it('keeps to the live rows of one organization by default', () => {
    const { sql, parameters } = where({});
    expect(sql).toBe(
      'select count(*)::int as "total" from "listings" where ("organization_id" = $1 and "deleted_at" is null)',
    );
    expect(parameters).toEqual([ORG]);
    expect(where({ includeDeleted: true }).sql).not.toContain('deleted_at');
  });

  it('compares on the leakproof search keys and inlines status literals for the partial indexes', () => {
    const { sql, parameters } = where({
      status: ['ACTIVE'],
      priceMin: '400000.5',
      priceMax: '600000',
      city: 'Austin',
      state: 'tx',
    });
    expect(sql).toContain(`"status" in ('ACTIVE'::"ListingStatus")`);
    expect(sql).toContain('"price_cents" >= ($2::numeric * 100)::bigint');
    expect(sql).toContain('"price_cents" <= ($3::numeric * 100)::bigint');
    expect(sql).toContain('"city_key" = lower($4::text)');
    expect(sql).toContain('"state_key" = lower($5::text)');
    expect(parameters).toEqual([ORG, '400000.5', '600000', 'Austin', 'tx']);
  });

  it('intersects status with RESO standardStatus, down to no rows at all', () => {
    expect(where({ standardStatus: ['Closed', 'Pending'], status: ['SOLD', 'ACTIVE'] }).sql).toContain(
      `"status" in ('SOLD'::"ListingStatus")`,
    );
    expect(where({ standardStatus: ['Coming Soon'] }).sql).toMatch(/ and false\)$/);
  });

  it('never inlines anything but enum-shaped values', () => {
    expect(() => where({ status: ["ACTIVE') OR true --" as never] })).toThrow();
  });

  it('escapes LIKE wildcards in q', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });

  it('orders nullable keys NULLS LAST and breaks ties by id in the last key’s direction', () => {
    const order = (sort: string | undefined) =>
      / order by (.*) limit /.exec(listingPage(db, ORG, query({ sort })).compile().sql)?.[1];
    expect(order('-listingDate')).toBe('"listing_date" desc nulls last, "id" desc');
    expect(order('price')).toBe('"price_cents" asc, "id" asc');
    expect(order('-price,squareFeet')).toBe('"price_cents" desc, "square_feet" asc nulls last, "id" asc');
    expect(order(undefined)).toBe('"created_at" desc, "id" desc');
  });

  it('pages with LIMIT/OFFSET parameters and counts the total in the same statement', () => {
    const { sql, parameters } = listingPage(db, ORG, query({ page: 3, pageSize: 10 })).compile();
    expect(sql).toMatch(/limit \$\d+ offset \$\d+$/);
    expect(sql).toContain('(select count(*)::int as "n" from "listings" where');
    expect(parameters.slice(-2)).toEqual([10, 20]);
  });
});
