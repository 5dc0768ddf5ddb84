import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, ErrorCode, NotFound } from '../common/errors.js';
import { type LinkKind, LiveRecordsRepository, type RecordKind } from '../records/live-records.repository.js';

export interface RecordLinks {
  leadId?: string | null;
  contactId?: string | null;
  dealId?: string | null;
  listingId?: string | null;
  campaignId?: string | null;
}

const FIELDS: readonly [keyof RecordLinks, LinkKind][] = [
  ['leadId', 'lead'],
  ['contactId', 'contact'],
  ['dealId', 'deal'],
  ['listingId', 'listing'],
  ['campaignId', 'campaign'],
];

const NAMES: Record<LinkKind, string> = {
  lead: 'Lead',
  contact: 'Contact',
  deal: 'Deal',
  listing: 'Listing',
  campaign: 'Campaign',
};

/**
 * "Are these ids live records of this organization?", for every module that links records
 * (activities, appointments, deals, tickets, lead conversion, timelines). Call inside a
 * TenantDb unit of work.
 */
@Injectable()
export class LiveRecordsService {
  constructor(private readonly records: LiveRecordsRepository) {}

  /**
   * 422 INVALID_REFERENCE naming every linked id that is not a live record of this
   * organization visible to the caller (an id in the body is not the resource addressed,
   * so it is a rule violation, not a 404). Null and absent links are not checked.
   */
  async assertLinks(links: RecordLinks, fieldPrefix = ''): Promise<void> {
    const missing = await this.missing(links);
    if (missing.length) {
      throw new BusinessRuleViolation(
        'A linked record does not exist',
        ErrorCode.InvalidReference,
        missing.map(([field, kind]) => ({
          field: `${fieldPrefix}${field}`,
          message: `no such ${kind} in this organization`,
        })),
      );
    }
  }

  /** The links (field, kind) that do not name a live, visible record; null and absent links are not checked. */
  async missing(links: RecordLinks): Promise<[keyof RecordLinks, LinkKind][]> {
    const checked = FIELDS.flatMap(([field, kind]) => {
      const id = links[field];
      return id ? [{ field, kind, id }] : [];
    });
    const live = await Promise.all(checked.map(({ kind, id }) => this.records.liveIds(kind, [id])));
    return checked.filter(({ id }, i) => !live[i].has(id)).map(({ field, kind }) => [field, kind]);
  }

  /** 422 INVALID_REFERENCE unless every id is a live contact (attendees). */
  async assertContacts(ids: readonly string[], field: string): Promise<void> {
    const live = await this.records.liveIds('contact', ids);
    const missing = ids.filter((id) => !live.has(id));
    if (missing.length)
      throw new BusinessRuleViolation(
        'A linked record does not exist',
        ErrorCode.InvalidReference,
        missing.map((id) => ({ field, message: `no such contact in this organization: ${id}` })),
      );
  }

  /** 404 unless the record addressed by the route is live and visible (timelines). */
  async mustSee(kind: RecordKind, id: string): Promise<void> {
    if (!(await this.records.liveIds(kind, [id])).has(id)) throw new NotFound(NAMES[kind]);
  }
}
