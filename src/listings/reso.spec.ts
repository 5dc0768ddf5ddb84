import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ListingStatus, PropertyType } from '../generated/prisma/enums.js';
import {
  PROPERTY_CLASS,
  RESO_PROPERTY_TYPES,
  RESO_STANDARD_STATUSES,
  STANDARD_STATUS,
  statusesForStandardStatus,
  toReso,
} from './reso.js';

describe('RESO Data Dictionary mapping', () => {
  it('maps every listing status to its StandardStatus', () => {
    expect(STANDARD_STATUS).toEqual({
      ACTIVE: 'Active',
      PENDING: 'Pending',
      CONTINGENT: 'Active Under Contract',
      SOLD: 'Closed',
      EXPIRED: 'Expired',
      WITHDRAWN: 'Withdrawn',
    });
    for (const s of Object.values(ListingStatus)) expect(RESO_STANDARD_STATUSES).toContain(STANDARD_STATUS[s]);
  });

  it('maps every property type to a RESO PropertyType and PropertySubType', () => {
    expect(PROPERTY_CLASS).toEqual({
      RESIDENTIAL: { propertyType: 'Residential', propertySubType: 'Single Family Residence' },
      CONDO: { propertyType: 'Residential', propertySubType: 'Condominium' },
      TOWNHOUSE: { propertyType: 'Residential', propertySubType: 'Townhouse' },
      MULTI_FAMILY: { propertyType: 'Residential Income', propertySubType: null },
      COMMERCIAL: { propertyType: 'Commercial Sale', propertySubType: null },
      LAND: { propertyType: 'Land', propertySubType: 'Unimproved Land' },
      LUXURY: { propertyType: 'Residential', propertySubType: 'Single Family Residence' },
    });
    for (const t of Object.values(PropertyType)) expect(RESO_PROPERTY_TYPES).toContain(PROPERTY_CLASS[t].propertyType);
  });

  it('builds the reso block of a listing', () => {
    expect(toReso({ status: 'CONTINGENT', propertyType: 'CONDO' })).toEqual({
      standardStatus: 'Active Under Contract',
      propertyType: 'Residential',
      propertySubType: 'Condominium',
    });
  });

  it('inverts StandardStatus for filtering; RESO values we never produce match nothing', () => {
    expect(statusesForStandardStatus(['Active Under Contract'])).toEqual(['CONTINGENT']);
    expect(statusesForStandardStatus(['Closed', 'Active']).sort()).toEqual(['ACTIVE', 'SOLD']);
    expect(statusesForStandardStatus(['Coming Soon', 'Canceled'])).toEqual([]);
    // Each of our statuses is found again from its own StandardStatus (the mapping is one-to-one).
    for (const s of Object.values(ListingStatus)) expect(statusesForStandardStatus([STANDARD_STATUS[s]])).toEqual([s]);
  });

  it('is documented row by row in docs/reso-mapping.md', () => {
    const doc = readFileSync('docs/reso-mapping.md', 'utf8');
    for (const s of Object.values(ListingStatus)) {
      expect(doc).toMatch(new RegExp(`\\|\\s*\`${s}\`\\s*\\|\\s*${STANDARD_STATUS[s]}\\s*\\|`));
    }
    for (const t of Object.values(PropertyType)) {
      const { propertyType, propertySubType } = PROPERTY_CLASS[t];
      expect(doc).toMatch(
        new RegExp(`\\|\\s*\`${t}\`\\s*\\|\\s*${propertyType}\\s*\\|\\s*${propertySubType ?? '—'}\\s*\\|`),
      );
    }
  });
});
