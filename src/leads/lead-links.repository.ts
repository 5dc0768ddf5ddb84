import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import type { Prisma } from '../generated/prisma/client.js';

export type DealRow = Prisma.DealGetPayload<object>;
export type DealWrite = Pick<
  Prisma.DealUncheckedCreateInput,
  | 'title'
  | 'value'
  | 'stage'
  | 'probability'
  | 'expectedCloseDate'
  | 'leadId'
  | 'contactId'
  | 'listingId'
  | 'assignedToId'
>;

/** What the lead workflows (convert, merge) do to the records linked to a lead: deals, activities, listings. */
@Injectable()
export class LeadLinksRepository {
  constructor(private readonly db: TenantDb) {}

  async isLiveListing(id: string): Promise<boolean> {
    const row = await this.db.tx.listing.findFirst({
      where: { id, organizationId: this.db.orgId, deletedAt: null },
      select: { id: true },
    });
    return row !== null;
  }

  createDeal(data: DealWrite): Promise<DealRow> {
    return this.db.tx.deal.create({
      data: { ...data, organizationId: this.db.orgId, createdById: this.db.userId },
    });
  }

  /**
   * Re-points activities, appointments and deals (deleted ones too) from one lead to another.
   * RLS applies: for an AGENT, rows they cannot see are not moved.
   */
  async relink(
    fromLeadId: string,
    toLeadId: string,
  ): Promise<{ activities: number; appointments: number; deals: number }> {
    const where = { organizationId: this.db.orgId, leadId: fromLeadId };
    const activities = await this.db.tx.activity.updateMany({ where, data: { leadId: toLeadId } });
    const appointments = await this.db.tx.appointment.updateMany({ where, data: { leadId: toLeadId } });
    const deals = await this.db.tx.deal.updateMany({ where, data: { leadId: toLeadId } });
    return { activities: activities.count, appointments: appointments.count, deals: deals.count };
  }
}
