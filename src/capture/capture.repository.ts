import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import type { LeadSource } from '../generated/prisma/enums.js';
import { LeadDuplicatesRepository } from '../leads/lead-duplicates.repository.js';

export interface KnownLead {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  assignedToId: string | null;
  campaignId: string | null;
}

export interface NewCapturedLead {
  name: string;
  email: string | null;
  phone: string | null;
  source: LeadSource;
  campaignId: string | null;
  assignedToId: string | null;
  createdById: string | null;
}

/**
 * The lead side of a capture. Capture writes leads.campaign_id directly (issue 17: the columns
 * exist before the leads API takes them); the match keys are the leads feature's own
 * (LeadDuplicatesRepository), so capture and POST /v1/leads de-duplicate alike.
 */
@Injectable()
export class CaptureRepository {
  constructor(
    private readonly db: TenantDb,
    private readonly duplicates: LeadDuplicatesRepository,
  ) {}

  /**
   * The oldest live lead with this email or phone (by the stored match keys), locked. The
   * email and phone advisory locks are taken first, as POST /v1/leads takes them, so a
   * capture and a create of the same person cannot both find nobody.
   */
  async findLiveLead(email: string | null, phone: string | null): Promise<KnownLead | undefined> {
    await this.duplicates.lockKeys(email, phone);
    return this.db.sql
      .selectFrom('leads as l')
      .select(['l.id', 'l.name', 'l.email', 'l.phone', 'l.assignedToId', 'l.campaignId'])
      .where(this.duplicates.liveMatch(email, phone))
      .orderBy('l.createdAt')
      .orderBy('l.id')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
  }

  async createLead(lead: NewCapturedLead): Promise<{ id: string; name: string }> {
    return this.db.tx.lead.create({
      data: { ...lead, organizationId: this.db.orgId },
      select: { id: true, name: true },
    });
  }

  /**
   * Fills in what the known lead lacks (an email, a phone, a campaign), never overwriting what
   * it has; nothing to fill in, nothing written (the capture's activity still is).
   */
  async fillIn(lead: KnownLead, seen: { email: string | null; phone: string | null; campaignId: string | null }) {
    const data = {
      ...(!lead.email && seen.email && { email: seen.email }),
      ...(!lead.phone && seen.phone && { phone: seen.phone }),
      ...(!lead.campaignId && seen.campaignId && { campaignId: seen.campaignId }),
    };
    if (!Object.keys(data).length) return;
    await this.db.tx.lead.update({
      where: { id: lead.id, organizationId: this.db.orgId },
      data,
      select: { id: true },
    });
  }

  /** The live campaign whose utm_campaign is this one, in any case (campaigns_org_utm_live_key). */
  campaignByUtm(utmCampaign: string): Promise<{ id: string; channel: LeadSource } | undefined> {
    return this.db.sql
      .selectFrom('campaigns')
      .select(['id', 'channel'])
      .where('organizationId', '=', this.db.orgId)
      .where('deletedAt', 'is', null)
      .where((eb) => eb(eb.fn('lower', ['utmCampaign']), '=', utmCampaign.toLowerCase()))
      .executeTakeFirst();
  }

  campaign(id: string): Promise<{ id: string; channel: LeadSource } | undefined> {
    return this.db.sql
      .selectFrom('campaigns')
      .select(['id', 'channel'])
      .where('organizationId', '=', this.db.orgId)
      .where('id', '=', id)
      .where('deletedAt', 'is', null)
      .executeTakeFirst();
  }

  /** A live listing of the organization by id or MLS number; undefined when there is none (a form may name a sold one). */
  listing(ref: { listingId?: string | null; mlsNumber?: string | null }): Promise<{ id: string } | undefined> {
    if (!ref.listingId && !ref.mlsNumber) return Promise.resolve(undefined);
    let query = this.db.sql
      .selectFrom('listings')
      .select('id')
      .where('organizationId', '=', this.db.orgId)
      .where('deletedAt', 'is', null);
    query = ref.listingId ? query.where('id', '=', ref.listingId) : query.where('mlsNumber', '=', ref.mlsNumber ?? '');
    return query.limit(1).executeTakeFirst();
  }
}
