import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { type PageQuery } from '../common/pagination.js';
import { parseSort } from '../common/sort.js';
import { offsetBatches } from '../database/cursor.js';
import { findPage } from '../database/find-page.js';
import { TenantRepository } from '../database/tenant-repository.js';
import { Prisma } from '../generated/prisma/client.js';
import { DealStage } from '../generated/prisma/enums.js';
import type { DealSortField, ListDealsQuery, PipelineQuery } from './dto/list-deals.query.js';
import { containsText } from '../common/search.js';

export type DealRow = Prisma.DealGetPayload<object>;
/** The list's filters and sort without its page: what an export of the list reads. */
export type DealFilters = Omit<ListDealsQuery, 'page' | 'pageSize' | 'include'>;
export type DealWrite = Omit<Prisma.DealUncheckedCreateInput, 'organizationId' | 'id'>;
export type DealStageChangeRow = Prisma.DealStageHistoryGetPayload<object>;

export interface PipelineRow {
  stage: DealStage;
  count: number;
  totalValue: string;
  weightedValue: string;
}

/** The records a deal may point at; each must be a live row of the same organization. */
export interface DealReferences {
  leadId?: string | null;
  contactId?: string | null;
  listingId?: string | null;
}

const NULLABLE_SORT = new Set<DealSortField>(['expectedCloseDate']);

@Injectable()
export class DealsRepository extends TenantRepository {
  async list(query: ListDealsQuery): Promise<[DealRow[], number]> {
    return findPage(this.db.tx.deal, this.listWhere(query), this.listOrder(query), query);
  }

  /** Every row the list would page through, in its order, in batches (by offset: see cursor.ts). */
  exportBatches(query: DealFilters): AsyncGenerator<DealRow[]> {
    const where = this.listWhere(query);
    const orderBy = this.listOrder(query);
    return offsetBatches((skip, take) => this.db.tx.deal.findMany({ where, orderBy, skip, take }));
  }

  private listOrder(query: DealFilters): Prisma.DealOrderByWithRelationInput[] {
    return [
      ...parseSort<DealSortField>(query.sort, '-createdAt').map((k) => ({
        [k.field]: NULLABLE_SORT.has(k.field) ? { sort: k.direction, nulls: 'last' as const } : k.direction,
      })),
      { id: 'asc' },
    ];
  }

  private listWhere(q: DealFilters): Prisma.DealWhereInput {
    const where: Prisma.DealWhereInput = { organizationId: this.orgId };
    if (!q.includeDeleted) where.deletedAt = null;
    if (q.stage?.length) where.stage = { in: q.stage };
    if (q.status?.length) where.status = { in: q.status };
    if (q.assignedToId) where.assignedToId = q.assignedToId;
    if (q.ids?.length) where.id = { in: q.ids };
    if (q.contactId) where.contactId = q.contactId;
    if (q.leadId) where.leadId = q.leadId;
    if (q.listingId) where.listingId = q.listingId;
    if (q.valueMin !== undefined || q.valueMax !== undefined) where.value = { gte: q.valueMin, lte: q.valueMax };
    if (q.expectedCloseFrom || q.expectedCloseTo) {
      where.expectedCloseDate = { gte: q.expectedCloseFrom, lt: q.expectedCloseTo };
    }
    if (q.q) where.title = containsText(q.q);
    return where;
  }

  /** A live deal, or null — another organization's (or, for an AGENT, another agent's) is simply not found. */
  findLive(id: string): Promise<DealRow | null> {
    return this.db.tx.deal.findFirst({ where: this.whereRow(id) });
  }

  /** findLive, holding the row lock until the unit of work ends, so stage rules see the state they change. */
  async lockLive(id: string): Promise<DealRow | null> {
    const row = await this.db.sql
      .selectFrom('deals')
      .selectAll()
      .where('organizationId', '=', this.orgId)
      .where('id', '=', id)
      .where('deletedAt', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    return row ?? null;
  }

  create(data: DealWrite): Promise<DealRow> {
    return this.db.tx.deal.create({ data: { ...data, organizationId: this.orgId } });
  }

  /** Updates a deal in the given deleted/live state; returns null when no such row is visible. */
  async update(id: string, data: Prisma.DealUncheckedUpdateManyInput, deleted = false): Promise<DealRow | null> {
    const rows = await this.db.tx.deal.updateManyAndReturn({
      where: this.whereRow(id, deleted),
      data,
    });
    return rows[0] ?? null;
  }

  /** Re-points a lead's deals (deleted ones too) at another lead; RLS decides which the caller moves. */
  async relinkLead(fromLeadId: string, toLeadId: string): Promise<number> {
    const { count } = await this.db.tx.deal.updateMany({
      where: { organizationId: this.orgId, leadId: fromLeadId },
      data: { leadId: toLeadId },
    });
    return count;
  }

  async stageHistory(dealId: string, page: PageQuery): Promise<[DealStageChangeRow[], number]> {
    const where = { organizationId: this.orgId, dealId };
    return findPage(this.db.tx.dealStageHistory, where, [{ changedAt: 'desc' }, { id: 'desc' }], page);
  }

  /**
   * One query: the count, total and weighted value per stage of the live, non-abandoned deals
   * the caller can see (RLS scopes an AGENT); every stage is listed, empty ones as zeros, in
   * the enum's (the pipeline's) order.
   */
  async pipeline(q: PipelineQuery): Promise<PipelineRow[]> {
    let query = this.db.sql
      .selectFrom('deals')
      .select((eb) => [
        'stage',
        sql<number>`count(*)::int`.as('count'),
        eb.fn<Prisma.Decimal>('round', [eb.fn.sum('value'), eb.lit(2)]).as('totalValue'),
        eb
          .fn<Prisma.Decimal>('round', [sql`sum(${eb.ref('value')} * ${eb.ref('probability')} / 100.0)`, eb.lit(2)])
          .as('weightedValue'),
      ])
      .where('organizationId', '=', this.orgId)
      .where('deletedAt', 'is', null)
      .where('status', '<>', 'ABANDONED')
      .groupBy('stage');
    if (q.assignedToId) query = query.where('assignedToId', '=', q.assignedToId);
    if (q.expectedCloseFrom) query = query.where('expectedCloseDate', '>=', q.expectedCloseFrom);
    if (q.expectedCloseTo) query = query.where('expectedCloseDate', '<', q.expectedCloseTo);
    const byStage = new Map((await query.execute()).map((r) => [r.stage, r]));
    return Object.values(DealStage).map((stage) => {
      const row = byStage.get(stage);
      return {
        stage,
        count: row?.count ?? 0,
        totalValue: (row?.totalValue ?? new Prisma.Decimal(0)).toFixed(2),
        weightedValue: (row?.weightedValue ?? new Prisma.Decimal(0)).toFixed(2),
      };
    });
  }
}
