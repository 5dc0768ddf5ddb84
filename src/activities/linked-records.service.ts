import { Injectable } from '@nestjs/common';
import { BusinessRuleViolation, ErrorCode, type ErrorDetail, NotFound } from '../common/errors.js';
import { LinkedRecordsRepository, type RecordKind } from './linked-records.repository.js';

export interface RecordLinks {
  leadId?: string | null;
  contactId?: string | null;
  dealId?: string | null;
  listingId?: string | null;
}

const FIELDS: readonly [keyof RecordLinks, RecordKind][] = [
  ['leadId', 'lead'],
  ['contactId', 'contact'],
  ['dealId', 'deal'],
  ['listingId', 'listing'],
];

const NAMES: Record<RecordKind, string> = { lead: 'Lead', contact: 'Contact', deal: 'Deal', listing: 'Listing' };

/** Checks the records a body links to. Call inside a TenantDb unit of work. */
@Injectable()
export class LinkedRecordsService {
  constructor(private readonly records: LinkedRecordsRepository) {}

  /**
   * 422 INVALID_REFERENCE naming every linked id that is not a live record of this
   * organization visible to the caller (an id in the body is not the resource addressed,
   * so it is a rule violation, not a 404). Null and absent links are not checked.
   */
  async assertLinks(links: RecordLinks): Promise<void> {
    const details: ErrorDetail[] = [];
    for (const [field, kind] of FIELDS) {
      const id = links[field];
      if (id && !(await this.records.isLive(kind, id)))
        details.push({ field, message: `no such ${kind} in this organization` });
    }
    if (details.length)
      throw new BusinessRuleViolation('A linked record does not exist', ErrorCode.InvalidReference, details);
  }

  /** 422 INVALID_REFERENCE unless every id is a live contact (attendees). */
  async assertContacts(ids: readonly string[], field: string): Promise<void> {
    const live = await this.records.liveContactIds(ids);
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
    if (!(await this.records.isLive(kind, id))) throw new NotFound(NAMES[kind]);
  }
}
