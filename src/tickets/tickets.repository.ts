import { Injectable } from '@nestjs/common';
import { type PageQuery, skipTake } from '../common/pagination.js';
import { parseSort } from '../common/sort.js';
import { findPage } from '../database/find-page.js';
import { TenantRepository } from '../database/tenant-repository.js';
import { sql } from 'kysely';
import type { Prisma } from '../generated/prisma/client.js';
import type { TicketStatus } from '../generated/prisma/enums.js';
import type { ListTicketsQuery, TicketSortField } from './dto/list-tickets.query.js';
import { OPEN_TICKET_STATUSES, parseTicketNumber } from './ticket-status.js';
import { containsText } from '../common/search.js';

const withAssignees = {
  assignees: { orderBy: [{ assignedAt: 'asc' }, { userId: 'asc' }] },
} satisfies Prisma.TicketInclude;

export type TicketRow = Prisma.TicketGetPayload<{ include: typeof withAssignees }>;
export type TicketAssigneeRow = Prisma.TicketAssigneeGetPayload<object>;
export type TicketStatusChangeRow = Prisma.TicketStatusHistoryGetPayload<object>;
export type TicketWrite = Omit<Prisma.TicketUncheckedCreateInput, 'organizationId' | 'id' | 'number'>;

/**
 * Tickets and their assignees and history. RLS decides visibility (an AGENT sees only
 * tickets they created or are assigned to), so a ticket that is not found here is
 * either another organization's, missing, or not the caller's to see: all 404.
 */
@Injectable()
export class TicketsRepository extends TenantRepository {
  async list(query: ListTicketsQuery): Promise<[TicketRow[], number]> {
    const where = this.listWhere(query);
    const orderBy: Prisma.TicketOrderByWithRelationInput[] = [
      ...parseSort<TicketSortField>(query.sort, '-createdAt').map((k): Prisma.TicketOrderByWithRelationInput =>
        // Priority sorts in urgency order (the enum's order): -priority puts URGENT first.
        k.field === 'dueAt' ? { dueAt: { sort: k.direction, nulls: 'last' } } : { [k.field]: k.direction },
      ),
      { id: 'asc' },
    ];
    return Promise.all([
      this.db.tx.ticket.findMany({ where, orderBy, include: withAssignees, ...skipTake(query) }),
      this.db.tx.ticket.count({ where }),
    ]);
  }

  private listWhere(q: ListTicketsQuery): Prisma.TicketWhereInput {
    const and: Prisma.TicketWhereInput[] = [{ organizationId: this.orgId }];
    if (q.status?.length) and.push({ status: { in: q.status } });
    if (q.priority?.length) and.push({ priority: { in: q.priority } });
    const assignee = q.assignedToId ?? q.assigneeId;
    if (assignee) and.push({ assignees: { some: { userId: assignee } } });
    if (q.ids?.length) and.push({ id: { in: q.ids } });
    if (q.contactId) and.push({ contactId: q.contactId });
    if (q.listingId) and.push({ listingId: q.listingId });
    if (q.category) and.push({ category: { equals: q.category, mode: 'insensitive' } });
    if (q.createdFrom || q.createdTo) and.push({ createdAt: { gte: q.createdFrom, lt: q.createdTo } });
    if (q.overdue !== undefined) {
      const now = new Date();
      // Spelled out for false: NOT (… AND due_at < now) would be null, not true, without a due date.
      and.push(
        q.overdue
          ? { status: { in: [...OPEN_TICKET_STATUSES] }, dueAt: { lt: now } }
          : { OR: [{ status: { notIn: [...OPEN_TICKET_STATUSES] } }, { dueAt: null }, { dueAt: { gte: now } }] },
      );
    }
    if (q.q) {
      const contains = containsText(q.q);
      const number = parseTicketNumber(q.q);
      and.push({
        OR: [{ title: contains }, { description: contains }, ...(number !== undefined ? [{ number }] : [])],
      });
    }
    return { AND: and };
  }

  /** The ticket if the caller can see it (RLS), else null. */
  find(id: string): Promise<TicketRow | null> {
    return this.db.tx.ticket.findFirst({ where: { id, organizationId: this.orgId }, include: withAssignees });
  }

  /**
   * find, holding the ticket's row lock until the unit of work ends: a status check made on
   * it stays true until the change is written (two concurrent transitions take turns).
   */
  async lock(id: string): Promise<TicketRow | null> {
    const locked = await this.db.sql
      .selectFrom('tickets')
      .select('id')
      .where('organizationId', '=', this.orgId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return locked ? this.find(id) : null;
  }

  /** Who a reply reaches: the ticket's contact (name, email) and the organization's name, as RLS shows them. */
  customerOf(ticket: { contactId: string | null }) {
    return this.db.sql
      .selectFrom('organizations as o')
      .leftJoin('contacts as c', (j) =>
        j.onRef('c.organizationId', '=', 'o.id').on('c.id', '=', ticket.contactId).on('c.deletedAt', 'is', null),
      )
      .select(['o.name as organizationName', 'c.name as contactName', 'c.email as contactEmail'])
      .where('o.id', '=', this.orgId)
      .executeTakeFirst();
  }

  /** Inserts the ticket (its number comes from the per-organization counter, by trigger) and its assignees. */
  async create(data: TicketWrite, assigneeIds: readonly string[]): Promise<TicketRow> {
    const { id } = await this.db.tx.ticket.create({
      data: { ...data, organizationId: this.orgId },
      select: { id: true },
    });
    if (assigneeIds.length) {
      await this.db.tx.ticketAssignee.createMany({
        data: assigneeIds.map((userId) => ({
          organizationId: this.orgId,
          ticketId: id,
          userId,
          assignedById: this.db.userId,
        })),
      });
    }
    return this.db.tx.ticket.findFirstOrThrow({ where: { id, organizationId: this.orgId }, include: withAssignees });
  }

  /** Updates a visible ticket; null when there is none. */
  async update(id: string, data: Prisma.TicketUncheckedUpdateManyInput): Promise<TicketRow | null> {
    // Nothing to change (Prisma would report 0 rows): the ticket as it is.
    if (Object.values(data).every((v) => v === undefined)) return this.find(id);
    const { count } = await this.db.tx.ticket.updateMany({ where: { id, organizationId: this.orgId }, data });
    return count ? this.find(id) : null;
  }

  /**
   * Changes the status. The history row is written by the database trigger, which
   * reads the note from the transaction-local setting app.status_note, set here just
   * for this statement.
   */
  async updateStatus(
    id: string,
    to: TicketStatus,
    note: string | undefined,
    data: Prisma.TicketUncheckedUpdateManyInput = {},
  ): Promise<TicketRow | null> {
    await sql`SELECT set_config('app.status_note', ${note ?? ''}, true)`.execute(this.db.sql);
    try {
      return await this.update(id, { ...data, status: to });
    } finally {
      await sql`SELECT set_config('app.status_note', '', true)`.execute(this.db.sql);
    }
  }

  /** Deletes a visible ticket (cascading to its children); returns its attachments' storage paths, or null. */
  async delete(id: string): Promise<string[] | null> {
    const attachments = await this.db.tx.ticketAttachment.findMany({
      where: { ticketId: id, organizationId: this.orgId },
      select: { storagePath: true },
    });
    const { count } = await this.db.tx.ticket.deleteMany({ where: { id, organizationId: this.orgId } });
    return count ? attachments.map((a) => a.storagePath) : null;
  }

  /** Sets first_response_at unless it is set already. */
  async markFirstResponse(id: string): Promise<void> {
    await this.db.tx.ticket.updateMany({
      where: { id, organizationId: this.orgId, firstResponseAt: null },
      data: { firstResponseAt: new Date() },
    });
  }

  history(ticketId: string, page: PageQuery): Promise<[TicketStatusChangeRow[], number]> {
    const where = { ticketId, organizationId: this.orgId };
    return findPage(this.db.tx.ticketStatusHistory, where, [{ changedAt: 'asc' }, { id: 'asc' }], page);
  }

  async addAssignee(ticketId: string, userId: string): Promise<TicketAssigneeRow | null> {
    const rows = await this.db.tx.ticketAssignee.createManyAndReturn({
      data: [{ organizationId: this.orgId, ticketId, userId, assignedById: this.db.userId }],
      skipDuplicates: true,
    });
    return rows[0] ?? null;
  }

  async removeAssignee(ticketId: string, userId: string): Promise<boolean> {
    const { count } = await this.db.tx.ticketAssignee.deleteMany({
      where: { ticketId, userId, organizationId: this.orgId },
    });
    return count > 0;
  }
}
