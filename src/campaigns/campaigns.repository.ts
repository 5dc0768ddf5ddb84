import { Injectable } from '@nestjs/common';
import { Conflict, ErrorCode } from '../common/errors.js';
import { containsText } from '../common/search.js';
import { parseSort } from '../common/sort.js';
import { findPage } from '../database/find-page.js';
import { TenantRepository } from '../database/tenant-repository.js';
import { Prisma } from '../generated/prisma/client.js';
import type { CampaignSortField, ListCampaignsQuery } from './dto/list-campaigns.query.js';

export type CampaignRow = Prisma.CampaignGetPayload<object>;
export type CampaignWrite = Omit<Prisma.CampaignUncheckedCreateInput, 'organizationId' | 'id'>;

/** 409 UTM_CAMPAIGN_TAKEN, naming the live campaign that holds the value when it is known. */
export const utmCampaignTaken = (utmCampaign: string, holderId?: string): Conflict =>
  new Conflict(
    `Another live campaign already uses utmCampaign "${utmCampaign}"`,
    ErrorCode.UtmCampaignTaken,
    [{ field: 'utmCampaign', message: 'is already used by another live campaign (compared case-insensitively)' }],
    holderId ? { campaignIds: [holderId] } : undefined,
  );

const NULLABLE_SORT = new Set<CampaignSortField>(['startsOn']);

@Injectable()
export class CampaignsRepository extends TenantRepository {
  list(query: ListCampaignsQuery): Promise<[CampaignRow[], number]> {
    const orderBy: Prisma.CampaignOrderByWithRelationInput[] = [
      ...parseSort<CampaignSortField>(query.sort, '-createdAt').map((k) => ({
        [k.field]: NULLABLE_SORT.has(k.field) ? { sort: k.direction, nulls: 'last' } : k.direction,
      })),
      { id: 'asc' },
    ];
    return findPage(this.db.tx.campaign, this.listWhere(query), orderBy, query);
  }

  private listWhere(q: ListCampaignsQuery): Prisma.CampaignWhereInput {
    const where: Prisma.CampaignWhereInput = { organizationId: this.orgId };
    if (!q.includeDeleted) where.deletedAt = null;
    if (q.status?.length) where.status = { in: q.status };
    if (q.channel?.length) where.channel = { in: q.channel };
    if (q.ownerId) where.ownerId = q.ownerId;
    if (q.listingId) where.listingId = q.listingId;
    if (q.ids?.length) where.id = { in: q.ids };
    if (q.q) where.name = containsText(q.q);
    return where;
  }

  /** A live (not soft-deleted) campaign, or null — another organization's id is simply not found (RLS). */
  findLive(id: string): Promise<CampaignRow | null> {
    return this.db.tx.campaign.findFirst({ where: this.whereRow(id) });
  }

  /** A soft-deleted campaign (what restore looks for), or null. */
  findDeleted(id: string): Promise<CampaignRow | null> {
    return this.db.tx.campaign.findFirst({ where: this.whereRow(id, true) });
  }

  /** The live campaign other than exceptId whose utm_campaign equals this one, any case (index campaigns_org_utm_live_key). */
  async utmCampaignHolder(utmCampaign: string, exceptId?: string): Promise<string | null> {
    const row = await this.db.tx.campaign.findFirst({
      where: {
        organizationId: this.orgId,
        deletedAt: null,
        utmCampaign: { equals: utmCampaign, mode: 'insensitive' },
        ...(exceptId && { id: { not: exceptId } }),
      },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  create(data: CampaignWrite): Promise<CampaignRow> {
    return this.utmGuard(data.utmCampaign, () =>
      this.db.tx.campaign.create({ data: { ...data, organizationId: this.orgId } }),
    );
  }

  /** Updates a campaign in the given deleted/live state; returns null when no such row is visible. */
  async update(
    id: string,
    data: Prisma.CampaignUncheckedUpdateManyInput,
    deleted = false,
    utmCampaign = data.utmCampaign,
  ): Promise<CampaignRow | null> {
    const rows = await this.utmGuard(utmCampaign, () =>
      this.db.tx.campaign.updateManyAndReturn({ where: this.whereRow(id, deleted), data }),
    );
    return rows[0] ?? null;
  }

  /** A concurrent writer can take the utm_campaign between the service's check and this write: the same 409. */
  private async utmGuard<T>(utmCampaign: unknown, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (
        typeof utmCampaign === 'string' &&
        error instanceof Prisma.PrismaClientKnownRequestError &&
        error.code === 'P2002'
      ) {
        throw utmCampaignTaken(utmCampaign);
      }
      throw error;
    }
  }
}
