import { Injectable } from '@nestjs/common';
import type { IdsPageQuery } from '../common/ids-param.js';
import { findPage } from '../database/find-page.js';
import { TenantDb } from '../database/tenant-db.js';
import type { TicketAttachment } from '../generated/prisma/client.js';

export interface NewAttachment {
  ticketId: string;
  fileName: string;
  fileSize: number;
  mimeType: string;
  storagePath: string;
}

@Injectable()
export class TicketAttachmentsRepository {
  constructor(private readonly db: TenantDb) {}

  list(ticketId: string, page: IdsPageQuery): Promise<[TicketAttachment[], number]> {
    const where = { ticketId, organizationId: this.db.orgId, ...(page.ids?.length && { id: { in: page.ids } }) };
    return findPage(this.db.tx.ticketAttachment, where, [{ uploadedAt: 'asc' }, { id: 'asc' }], page);
  }

  find(ticketId: string, id: string): Promise<TicketAttachment | null> {
    return this.db.tx.ticketAttachment.findFirst({ where: { id, ticketId, organizationId: this.db.orgId } });
  }

  insert(a: NewAttachment): Promise<TicketAttachment> {
    return this.db.tx.ticketAttachment.create({
      data: { ...a, organizationId: this.db.orgId, uploadedById: this.db.userId },
    });
  }

  /** Deletes the row; returns the object's storage path, or null when there was no such attachment. */
  async delete(ticketId: string, id: string): Promise<string | null> {
    const row = await this.find(ticketId, id);
    if (!row) return null;
    const { count } = await this.db.tx.ticketAttachment.deleteMany({
      where: { id, ticketId, organizationId: this.db.orgId },
    });
    return count ? row.storagePath : null;
  }
}
