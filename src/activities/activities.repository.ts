import { Injectable } from '@nestjs/common';
import { parseSort } from '../common/sort.js';
import { findPage } from '../database/find-page.js';
import { TenantRepository } from '../database/tenant-repository.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ActivitySortField, ListActivitiesQuery } from './dto/list-activities.query.js';

export type ActivityRow = Prisma.ActivityGetPayload<object>;
export type ActivityWrite = Omit<Prisma.ActivityUncheckedCreateInput, 'organizationId' | 'id' | 'occurredAt'>;

@Injectable()
export class ActivitiesRepository extends TenantRepository {
  /** Re-points a lead's activitys at another lead (a merge); RLS decides which the caller moves. */
  async relinkLead(fromLeadId: string, toLeadId: string): Promise<number> {
    const { count } = await this.db.tx.activity.updateMany({
      where: { organizationId: this.orgId, leadId: fromLeadId },
      data: { leadId: toLeadId },
    });
    return count;
  }

  async list(query: ListActivitiesQuery, now: Date): Promise<[ActivityRow[], number]> {
    const where = this.listWhere(query, now);
    const orderBy: Prisma.ActivityOrderByWithRelationInput[] = [
      ...parseSort<ActivitySortField>(query.sort, '-createdAt').map((k) =>
        // Nullable dates: undated / open activities go last either way.
        k.field === 'createdAt' ? { createdAt: k.direction } : { [k.field]: { sort: k.direction, nulls: 'last' } },
      ),
      { id: 'asc' },
    ];
    return findPage(this.db.tx.activity, where, orderBy, query);
  }

  private listWhere(q: ListActivitiesQuery, now: Date): Prisma.ActivityWhereInput {
    const and: Prisma.ActivityWhereInput[] = [];
    const where: Prisma.ActivityWhereInput = { organizationId: this.orgId, AND: and };
    if (q.type?.length) where.type = { in: q.type };
    if (q.assignedToId) where.assignedToId = q.assignedToId;
    if (q.ids?.length) where.id = { in: q.ids };
    if (q.leadId) where.leadId = q.leadId;
    if (q.contactId) where.contactId = q.contactId;
    if (q.dealId) where.dealId = q.dealId;
    if (q.listingId) where.listingId = q.listingId;
    if (q.dueFrom || q.dueTo) and.push({ dueDate: { gte: q.dueFrom, lt: q.dueTo } });
    if (q.completed !== undefined) and.push({ completedAt: q.completed ? { not: null } : null });
    if (q.overdue === true) and.push({ dueDate: { lt: now }, completedAt: null });
    // Spelled out rather than NOT(…): SQL's NOT of a null comparison would drop undated rows.
    if (q.overdue === false)
      and.push({ OR: [{ dueDate: null }, { dueDate: { gte: now } }, { completedAt: { not: null } }] });
    return where;
  }

  /** A visible activity of the current organization, or null (another org's id, or hidden from an AGENT). */
  find(id: string): Promise<ActivityRow | null> {
    return this.db.tx.activity.findFirst({ where: { id, organizationId: this.orgId } });
  }

  create(data: ActivityWrite): Promise<ActivityRow> {
    return this.db.tx.activity.create({ data: { ...data, organizationId: this.orgId } });
  }

  /** Returns null when no such row is visible (and writable) to the caller. */
  async update(id: string, data: Prisma.ActivityUncheckedUpdateManyInput): Promise<ActivityRow | null> {
    const rows = await this.db.tx.activity.updateManyAndReturn({ where: { id, organizationId: this.orgId }, data });
    return rows[0] ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.db.tx.activity.deleteMany({ where: { id, organizationId: this.orgId } });
    return count > 0;
  }
}
