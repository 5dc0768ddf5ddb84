import { Injectable } from '@nestjs/common';
import type { IdsPageQuery } from '../common/ids-param.js';
import { sql } from 'kysely';
import { findPage } from '../database/find-page.js';
import { TenantDb } from '../database/tenant-db.js';
import type { TicketShareLink } from '../generated/prisma/client.js';

export interface ResolvedShare {
  organizationId: string;
  ticketId: string;
}

@Injectable()
export class TicketSharesRepository {
  constructor(private readonly db: TenantDb) {}

  create(ticketId: string, tokenHash: string, expiresAt: Date): Promise<TicketShareLink> {
    return this.db.tx.ticketShareLink.create({
      data: { organizationId: this.db.orgId, ticketId, tokenHash, expiresAt, createdById: this.db.userId },
    });
  }

  list(ticketId: string, page: IdsPageQuery): Promise<[TicketShareLink[], number]> {
    const where = { ticketId, organizationId: this.db.orgId, ...(page.ids?.length && { id: { in: page.ids } }) };
    return findPage(this.db.tx.ticketShareLink, where, [{ createdAt: 'desc' }, { id: 'asc' }], page);
  }

  find(ticketId: string, id: string): Promise<TicketShareLink | null> {
    return this.db.tx.ticketShareLink.findFirst({ where: { id, ticketId, organizationId: this.db.orgId } });
  }

  /** Revokes the ticket's active links (or the one named); returns how many. */
  async revoke(ticketId: string, linkId?: string): Promise<number> {
    const { count } = await this.db.tx.ticketShareLink.updateMany({
      where: { ticketId, organizationId: this.db.orgId, revokedAt: null, ...(linkId && { id: linkId }) },
      data: { revokedAt: new Date() },
    });
    return count;
  }

  async exists(ticketId: string, linkId: string): Promise<boolean> {
    const row = await this.db.tx.ticketShareLink.findFirst({
      where: { id: linkId, ticketId, organizationId: this.db.orgId },
      select: { id: true },
    });
    return row !== null;
  }

  /**
   * The ticket a live (unexpired, unrevoked) link opens, through the SECURITY DEFINER
   * app.resolve_ticket_share: the only read across organizations, by token hash only.
   */
  async resolve(tokenHash: string): Promise<ResolvedShare | null> {
    const row = await this.db.sql
      .selectFrom(sql<ResolvedShare>`app.resolve_ticket_share(${tokenHash})`.as('s'))
      .select(['s.organizationId', 's.ticketId'])
      .executeTakeFirst();
    return row ?? null;
  }

  /**
   * Opens the customer view of one ticket for the rest of this transaction: with no
   * user set, RLS then shows that ticket only and none of its internal comments.
   */
  async enter(ticketId: string): Promise<void> {
    await sql`SELECT set_config('app.share_ticket_id', ${ticketId}, true)`.execute(this.db.sql);
  }
}
