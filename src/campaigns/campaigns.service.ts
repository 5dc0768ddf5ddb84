import { Injectable } from '@nestjs/common';
import { AssigneesService } from '../assignees/assignees.service.js';
import { BusinessRuleViolation, NotFound } from '../common/errors.js';
import { assertMayIncludeDeleted } from '../common/include-deleted.js';
import { type Page, pageOf } from '../common/pagination.js';
import { TenantDb } from '../database/tenant-db.js';
import { IncludesService } from '../includes/includes.service.js';
import { LiveRecordsService } from '../records/live-records.service.js';
import { CAMPAIGN_INCLUDES, type CampaignInclude } from './campaigns.includes.js';
import { toCampaignOutput } from './campaigns.mapper.js';
import { type CampaignRow, CampaignsRepository, utmCampaignTaken } from './campaigns.repository.js';
import type { CreateCampaignInput, UpdateCampaignInput } from './dto/campaign.input.js';
import type { CampaignOutput } from './dto/campaign.output.js';
import type { ListCampaignsQuery } from './dto/list-campaigns.query.js';

/** 422 unless the campaign's (resulting) end date is on or after its start date. */
function checkDates(startsOn: Date | null | undefined, endsOn: Date | null | undefined): void {
  if (startsOn && endsOn && endsOn < startsOn) {
    throw new BusinessRuleViolation('endsOn must not be before startsOn', undefined, [
      { field: 'endsOn', message: 'must not be before startsOn' },
    ]);
  }
}

const sameUtm = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** Campaigns: ADMINs and MANAGERs write (the controller and RLS both say so), every member reads. */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly db: TenantDb,
    private readonly campaigns: CampaignsRepository,
    private readonly assignees: AssigneesService,
    private readonly records: LiveRecordsService,
    private readonly includes: IncludesService,
  ) {}

  list(query: ListCampaignsQuery): Promise<Page<CampaignOutput>> {
    return this.db.run(async () => {
      assertMayIncludeDeleted(query.includeDeleted, this.db.role);
      const [rows, total] = await this.campaigns.list(query);
      const data = await this.includes.expand(rows.map(toCampaignOutput), query.include, CAMPAIGN_INCLUDES);
      return pageOf(data, total, query);
    });
  }

  get(id: string, include?: readonly CampaignInclude[]): Promise<CampaignOutput> {
    return this.db.run(async () =>
      this.includes.expandOne(toCampaignOutput(await this.mustFind(id)), include, CAMPAIGN_INCLUDES),
    );
  }

  create(input: CreateCampaignInput): Promise<CampaignOutput> {
    return this.db.run(async () => {
      checkDates(input.startsOn, input.endsOn);
      await this.checkLinks(input);
      if (input.utmCampaign) await this.checkUtmCampaign(input.utmCampaign);
      const campaign = await this.campaigns.create({ ...input, createdById: this.db.userId });
      return toCampaignOutput(campaign);
    });
  }

  update(id: string, input: UpdateCampaignInput): Promise<CampaignOutput> {
    return this.db.run(async () => {
      const current = await this.mustFind(id);
      checkDates(
        input.startsOn !== undefined ? input.startsOn : current.startsOn,
        input.endsOn !== undefined ? input.endsOn : current.endsOn,
      );
      await this.checkLinks(input);
      if (input.utmCampaign && !sameUtm(input.utmCampaign, current.utmCampaign)) {
        await this.checkUtmCampaign(input.utmCampaign, id);
      }
      const { name, status, channel, ...nullable } = input;
      // Required columns ignore an explicit null (validation already refused it for name).
      const updated = await this.campaigns.update(id, {
        ...nullable,
        ...(name != null && { name }),
        ...(status != null && { status }),
        ...(channel != null && { channel }),
      });
      if (!updated) throw new NotFound('Campaign');
      return toCampaignOutput(updated);
    });
  }

  remove(id: string): Promise<void> {
    return this.db.run(async () => {
      const deleted = await this.campaigns.update(id, { deletedAt: new Date() });
      if (!deleted) throw new NotFound('Campaign');
    });
  }

  /** A restored campaign takes its utm_campaign back only if no live campaign took it meanwhile (409). */
  restore(id: string): Promise<CampaignOutput> {
    return this.db.run(async () => {
      const deleted = await this.campaigns.findDeleted(id);
      if (!deleted) throw new NotFound('Deleted campaign');
      if (deleted.utmCampaign) await this.checkUtmCampaign(deleted.utmCampaign, id);
      const restored = await this.campaigns.update(id, { deletedAt: null }, true, deleted.utmCampaign);
      if (!restored) throw new NotFound('Deleted campaign');
      return toCampaignOutput(restored);
    });
  }

  private async mustFind(id: string): Promise<CampaignRow> {
    const campaign = await this.campaigns.findLive(id);
    if (!campaign) throw new NotFound('Campaign');
    return campaign;
  }

  /** 422 INVALID_ASSIGNEE for an owner who may not work records, INVALID_REFERENCE for a listing that is not live here. */
  private async checkLinks(input: UpdateCampaignInput): Promise<void> {
    await this.assignees.assertAssignable(input.ownerId, 'ownerId');
    await this.records.assertLinks({ listingId: input.listingId });
  }

  private async checkUtmCampaign(utmCampaign: string, exceptId?: string): Promise<void> {
    const holder = await this.campaigns.utmCampaignHolder(utmCampaign, exceptId);
    if (holder) throw utmCampaignTaken(utmCampaign, holder);
  }
}
