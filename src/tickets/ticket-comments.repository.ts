import { Injectable } from '@nestjs/common';
import type { IdsPageQuery } from '../common/ids-param.js';
import { findPage } from '../database/find-page.js';
import { TenantDb } from '../database/tenant-db.js';
import type { TicketComment } from '../generated/prisma/client.js';

@Injectable()
export class TicketCommentsRepository {
  constructor(private readonly db: TenantDb) {}

  /** Oldest first. RLS hides internal comments wherever there is no user (the customer view). */
  list(ticketId: string, page: IdsPageQuery, publicOnly = false): Promise<[TicketComment[], number]> {
    const where = {
      ticketId,
      organizationId: this.db.orgId,
      ...(publicOnly && { isInternal: false }),
      ...(page.ids?.length && { id: { in: page.ids } }),
    };
    return findPage(this.db.tx.ticketComment, where, [{ createdAt: 'asc' }, { id: 'asc' }], page);
  }

  find(ticketId: string, id: string): Promise<TicketComment | null> {
    return this.db.tx.ticketComment.findFirst({ where: { id, ticketId, organizationId: this.db.orgId } });
  }

  addMemberComment(ticketId: string, body: string, isInternal: boolean): Promise<TicketComment> {
    return this.db.tx.ticketComment.create({
      data: {
        organizationId: this.db.orgId,
        ticketId,
        body,
        isInternal,
        authorType: 'MEMBER',
        createdById: this.db.userId,
      },
    });
  }

  addCustomerComment(ticketId: string, body: string): Promise<TicketComment> {
    return this.db.tx.ticketComment.create({
      data: { organizationId: this.db.orgId, ticketId, body, isInternal: false, authorType: 'CUSTOMER' },
    });
  }
}
