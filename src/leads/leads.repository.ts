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
    const where: Prisma.LeadWhereInput = { organizationId: this.orgId, deletedAt: null };
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

  async isMember(userId: string): Promise<boolean> {
    const m = await this.db.tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: this.orgId, userId } },
      select: { userId: true },
    });
    return m !== null;
  }
}
