import { describe, expect, it } from '@jest/globals';
import type { ListListingsQuery } from './dto/list-listings.query.js';
import { containsPattern } from '../common/search.js';
import { listingOrderBy, listingPageSql, listingWhere } from './listing-search.js';

const ORG = '00000000-0000-4000-8000-000000000001';
const query = (q: Partial<ListListingsQuery>) => ({ page: 1, pageSize: 25, ...q }) as ListListingsQuery;

describe('listing search SQL', () => {
  it('keeps to the live rows of one organization by default', () => {
    const where = listingWhere(ORG, query({}));
    expect(where.text).toBe('l.organization_id = $1::uuid AND l.deleted_at IS NULL');
    expect(where.values).toEqual([ORG]);
    expect(listingWhere(ORG, query({ includeDeleted: true })).text).not.toContain('deleted_at');
  });

  it('compares on the leakproof search keys and inlines status literals for the partial indexes', () => {
    const where = listingWhere(
      ORG,
      query({ status: ['ACTIVE'], priceMin: '400000.5', priceMax: '600000', city: 'Austin', state: 'tx' }),
    );
    expect(where.text).toContain(`l.status IN ('ACTIVE'::"ListingStatus")`);
    expect(where.text).toContain('l.price_cents >= ($2::numeric * 100)::bigint');
    expect(where.text).toContain('l.price_cents <= ($3::numeric * 100)::bigint');
    expect(where.text).toContain('l.city_key = lower($4::text)');
    expect(where.text).toContain('l.state_key = lower($5::text)');
    expect(where.values).toEqual([ORG, '400000.5', '600000', 'Austin', 'tx']);
  });

  it('intersects status with RESO standardStatus, down to no rows at all', () => {
    expect(
      listingWhere(ORG, query({ standardStatus: ['Closed', 'Pending'], status: ['SOLD', 'ACTIVE'] })).text,
    ).toContain(`l.status IN ('SOLD'::"ListingStatus")`);
    expect(listingWhere(ORG, query({ standardStatus: ['Coming Soon'] })).text).toMatch(/ AND false$/);
  });

  it('never inlines anything but enum-shaped values', () => {
    expect(() => listingWhere(ORG, query({ status: ["ACTIVE') OR true --" as never] }))).toThrow();
  });

  it('escapes LIKE wildcards in q', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });

  it('orders nullable keys NULLS LAST and breaks ties by id in the last key’s direction', () => {
    expect(listingOrderBy('-listingDate').text).toBe('l.listing_date DESC NULLS LAST, l.id DESC');
    expect(listingOrderBy('price').text).toBe('l.price_cents ASC, l.id ASC');
    expect(listingOrderBy('-price,squareFeet').text).toBe('l.price_cents DESC, l.square_feet ASC NULLS LAST, l.id ASC');
    expect(listingOrderBy(undefined).text).toBe('l.created_at DESC, l.id DESC');
  });

  it('pages with LIMIT/OFFSET parameters', () => {
    const sql = listingPageSql(ORG, query({ page: 3, pageSize: 10 }));
    expect(sql.text).toMatch(/LIMIT \$2::int OFFSET \$3::int$/);
    expect(sql.values).toEqual([ORG, 10, 20]);
  });
});
