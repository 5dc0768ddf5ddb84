import { Injectable } from '@nestjs/common';
import { skipTake } from '../common/pagination.js';
import { parseSort } from '../common/sort.js';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';
import type { LeadSortField, ListLeadsQuery } from './dto/list-leads.query.js';

export type LeadRow = Prisma.LeadGetPayload<object>;
export type LeadWrite = Omit<Prisma.LeadUncheckedCreateInput, 'organizationId' | 'id' | 'score'>;

@Injectable()
export class LeadsRepository {
  constructor(private readonly db: TenantDb) {}

  private get orgId(): string {
    return this.db.orgId;
  }

  async list(query: ListLeadsQuery): Promise<[LeadRow[], number]> {
    const where = this.listWhere(query);
    const orderBy: Prisma.LeadOrderByWithRelationInput[] = [
      ...parseSort<LeadSortField>(query.sort, '-createdAt').map((k) => ({ [k.field]: k.direction })),
      { id: 'asc' },
    ];
    const [rows, total] = await Promise.all([
      this.db.tx.lead.findMany({ where, orderBy, ...skipTake(query) }),
      this.db.tx.lead.count({ where }),
    ]);
    return [rows, total];
  }

  private listWhere(q: ListLeadsQuery): Prisma.LeadWhereInput {
    const where: Prisma.LeadWhereInput = { organizationId: this.orgId };
    if (!q.includeDeleted) where.deletedAt = null;
    if (q.status?.length) where.status = { in: q.status };
    if (q.source?.length) where.source = { in: q.source };
    if (q.score?.length) where.score = { in: q.score };
    if (q.assignedToId) where.assignedToId = q.assignedToId;
    if (q.tag) where.tags = { has: q.tag };
    if (q.createdFrom || q.createdTo) where.createdAt = { gte: q.createdFrom, lte: q.createdTo };
    if (q.q) {
      const contains = { contains: q.q, mode: 'insensitive' as const };
      where.OR = [{ name: contains }, { email: contains }, { phone: contains }, { company: contains }];
    }
    return where;
  }

  /** A live (not soft-deleted) lead, or null — another organization's id is simply not found (RLS). */
  findLive(id: string): Promise<LeadRow | null> {
    return this.db.tx.lead.findFirst({ where: { id, organizationId: this.orgId, deletedAt: null } });
  }

  /** findLive, holding the row lock until the unit of work ends (status checks stay true until the write). */
  async lockLive(id: string): Promise<LeadRow | null> {
    await this.db.tx.$queryRaw`
      SELECT 1 FROM leads
      WHERE organization_id = ${this.orgId}::uuid AND id = ${id}::uuid AND deleted_at IS NULL
      FOR UPDATE`;
    return this.findLive(id);
  }

  /** Locks the visible leads among ids, live or deleted, in id order (no deadlock between two bulk calls). */
  async lockMany(ids: string[]): Promise<LeadRow[]> {
    await this.db.tx.$queryRaw`
      SELECT 1 FROM leads
      WHERE organization_id = ${this.orgId}::uuid AND id = ANY(${ids}::uuid[])
      ORDER BY id
      FOR UPDATE`;
    return this.db.tx.lead.findMany({ where: { organizationId: this.orgId, id: { in: ids } }, orderBy: { id: 'asc' } });
  }

  findMany(ids: string[]): Promise<LeadRow[]> {
    return this.db.tx.lead.findMany({ where: { organizationId: this.orgId, id: { in: ids } } });
  }

  create(data: LeadWrite): Promise<LeadRow> {
    return this.db.tx.lead.create({ data: { ...data, organizationId: this.orgId } });
  }

  /** Updates a lead in the given deleted/live state; returns null when no such row is visible. */
  async update(id: string, data: Prisma.LeadUncheckedUpdateManyInput, deleted = false): Promise<LeadRow | null> {
    const rows = await this.db.tx.lead.updateManyAndReturn({
      where: { id, organizationId: this.orgId, deletedAt: deleted ? { not: null } : null },
      data,
    });
    return rows[0] ?? null;
  }

  /** One set-based UPDATE over ids (callers lock and validate them first); returns the row count. */
  async updateMany(ids: string[], data: Prisma.LeadUncheckedUpdateManyInput): Promise<number> {
    const { count } = await this.db.tx.lead.updateMany({
      where: { organizationId: this.orgId, id: { in: ids } },
      data,
    });
    return count;
  }
}
