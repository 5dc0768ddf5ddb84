import { calendarDate } from '../common/dates.js';
import { Injectable } from '@nestjs/common';
import { type PageQuery, skipTake } from '../common/pagination.js';
import { parseSort } from '../common/sort.js';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';
import type { DealStage } from '../generated/prisma/enums.js';
import type { DealSortField, ListDealsQuery, PipelineQuery } from './dto/list-deals.query.js';
import { containsText } from '../common/search.js';

export type DealRow = Prisma.DealGetPayload<object>;
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
export class DealsRepository {
  constructor(private readonly db: TenantDb) {}

  private get orgId(): string {
    return this.db.orgId;
  }

  async list(query: ListDealsQuery): Promise<[DealRow[], number]> {
    const where = this.listWhere(query);
    const orderBy: Prisma.DealOrderByWithRelationInput[] = [
      ...parseSort<DealSortField>(query.sort, '-createdAt').map((k) => ({
        [k.field]: NULLABLE_SORT.has(k.field) ? { sort: k.direction, nulls: 'last' } : k.direction,
      })),
      { id: 'asc' },
    ];
    const [rows, total] = await Promise.all([
      this.db.tx.deal.findMany({ where, orderBy, ...skipTake(query) }),
      this.db.tx.deal.count({ where }),
    ]);
    return [rows, total];
  }

  private listWhere(q: ListDealsQuery): Prisma.DealWhereInput {
    const where: Prisma.DealWhereInput = { organizationId: this.orgId };
    if (!q.includeDeleted) where.deletedAt = null;
    if (q.stage?.length) where.stage = { in: q.stage };
    if (q.status?.length) where.status = { in: q.status };
    if (q.assignedToId) where.assignedToId = q.assignedToId;
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
    return this.db.tx.deal.findFirst({ where: { id, organizationId: this.orgId, deletedAt: null } });
  }

  /** findLive, holding the row lock until the unit of work ends, so stage rules see the state they change. */
  async lockLive(id: string): Promise<DealRow | null> {
    await this.db.tx.$queryRaw`
      SELECT 1 FROM deals
      WHERE organization_id = ${this.orgId}::uuid AND id = ${id}::uuid AND deleted_at IS NULL
      FOR UPDATE`;
    return this.findLive(id);
  }

  create(data: DealWrite): Promise<DealRow> {
    return this.db.tx.deal.create({ data: { ...data, organizationId: this.orgId } });
  }

  /** Updates a deal in the given deleted/live state; returns null when no such row is visible. */
  async update(id: string, data: Prisma.DealUncheckedUpdateManyInput, deleted = false): Promise<DealRow | null> {
    const rows = await this.db.tx.deal.updateManyAndReturn({
      where: { id, organizationId: this.orgId, deletedAt: deleted ? { not: null } : null },
      data,
    });
    return rows[0] ?? null;
  }

  /** The fields of refs that do not name a live row of this organization (as visible to the caller). */
  async invalidReferences(refs: DealReferences): Promise<(keyof DealReferences)[]> {
    const live = { organizationId: this.orgId, deletedAt: null };
    const select = { id: true } as const;
    const [lead, contact, listing] = await Promise.all([
      refs.leadId ? this.db.tx.lead.findFirst({ where: { id: refs.leadId, ...live }, select }) : true,
      refs.contactId ? this.db.tx.contact.findFirst({ where: { id: refs.contactId, ...live }, select }) : true,
      refs.listingId ? this.db.tx.listing.findFirst({ where: { id: refs.listingId, ...live }, select }) : true,
    ]);
    return [
      ...(lead ? [] : (['leadId'] as const)),
      ...(contact ? [] : (['contactId'] as const)),
      ...(listing ? [] : (['listingId'] as const)),
    ];
  }

  async stageHistory(dealId: string, page: PageQuery): Promise<[DealStageChangeRow[], number]> {
    const where = { organizationId: this.orgId, dealId };
    const [rows, total] = await Promise.all([
      this.db.tx.dealStageHistory.findMany({
        where,
        orderBy: [{ changedAt: 'desc' }, { id: 'desc' }],
        ...skipTake(page),
      }),
      this.db.tx.dealStageHistory.count({ where }),
    ]);
    return [rows, total];
  }

  /**
   * One query: every stage in enum order (empty ones included) with the count, total and
   * weighted value of the live, non-abandoned deals the caller can see (RLS scopes an AGENT).
   */
  pipeline(q: PipelineQuery): Promise<PipelineRow[]> {
    const filters = [
      q.assignedToId ? Prisma.sql`AND d.assigned_to_id = ${q.assignedToId}::uuid` : Prisma.empty,
      q.expectedCloseFrom
        ? Prisma.sql`AND d.expected_close_date >= ${calendarDate(q.expectedCloseFrom)}::date`
        : Prisma.empty,
      q.expectedCloseTo
        ? Prisma.sql`AND d.expected_close_date < ${calendarDate(q.expectedCloseTo)}::date`
        : Prisma.empty,
    ];
    return this.db.tx.$queryRaw<PipelineRow[]>`
      SELECT s.stage::text AS stage,
             count(d.id)::int AS count,
             round(coalesce(sum(d.value), 0), 2)::text AS "totalValue",
             round(coalesce(sum(d.value * d.probability / 100.0), 0), 2)::text AS "weightedValue"
      FROM unnest(enum_range(NULL::"DealStage")) WITH ORDINALITY AS s (stage, ord)
      LEFT JOIN deals d
        ON d.stage = s.stage
       AND d.organization_id = ${this.orgId}::uuid
       AND d.deleted_at IS NULL
       AND d.status <> 'ABANDONED'
       ${Prisma.join(filters, ' ')}
      GROUP BY s.stage, s.ord
      ORDER BY s.ord`;
  }
}
