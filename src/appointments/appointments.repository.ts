import { Injectable } from '@nestjs/common';
import { parseSort } from '../common/sort.js';
import { skipTake } from '../common/pagination.js';
import { TenantRepository } from '../database/tenant-repository.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { AppointmentSortField } from './dto/list-appointments.query.js';

const WITH_ATTENDEES = { attendees: { select: { contactId: true }, orderBy: { createdAt: 'asc' } } } as const;

export type AppointmentRow = Prisma.AppointmentGetPayload<{ include: typeof WITH_ATTENDEES }>;
export type AppointmentWrite = Omit<Prisma.AppointmentUncheckedCreateInput, 'organizationId' | 'id' | 'attendees'>;

export interface AppointmentFilter {
  from: Date;
  to: Date;
  agentId?: string;
  listingId?: string;
  ids?: string[];
  status?: Prisma.AppointmentWhereInput['status'];
  type?: Prisma.AppointmentWhereInput['type'];
}

/** One agent's time slot, [startsAt, endsAt). */
export interface Slot {
  agentId: string;
  startsAt: Date;
  endsAt: Date;
  /** The appointment being moved, which cannot conflict with itself. */
  excludeId?: string;
}

@Injectable()
export class AppointmentsRepository extends TenantRepository {
  /** Re-points a lead's appointments at another lead (a merge); RLS decides which the caller moves. */
  async relinkLead(fromLeadId: string, toLeadId: string): Promise<number> {
    const { count } = await this.db.tx.appointment.updateMany({
      where: { organizationId: this.orgId, leadId: fromLeadId },
      data: { leadId: toLeadId },
    });
    return count;
  }

  private where(f: AppointmentFilter): Prisma.AppointmentWhereInput {
    // Overlap with the half-open window [from, to).
    const where: Prisma.AppointmentWhereInput = {
      organizationId: this.orgId,
      startsAt: { lt: f.to },
      endsAt: { gt: f.from },
    };
    if (f.agentId) where.agentId = f.agentId;
    if (f.listingId) where.listingId = f.listingId;
    if (f.ids?.length) where.id = { in: f.ids };
    if (f.status) where.status = f.status;
    if (f.type) where.type = f.type;
    return where;
  }

  async list(
    f: AppointmentFilter,
    page: { page: number; pageSize: number; sort?: string },
  ): Promise<[AppointmentRow[], number]> {
    const where = this.where(f);
    const orderBy: Prisma.AppointmentOrderByWithRelationInput[] = [
      ...parseSort<AppointmentSortField>(page.sort, 'startsAt').map((k) => ({ [k.field]: k.direction })),
      { id: 'asc' },
    ];
    return Promise.all([
      this.db.tx.appointment.findMany({ where, orderBy, include: WITH_ATTENDEES, ...skipTake(page) }),
      this.db.tx.appointment.count({ where }),
    ]);
  }

  /** Up to `limit` appointments of the window, in start order (the calendar feed). */
  window(f: AppointmentFilter, limit: number): Promise<AppointmentRow[]> {
    return this.db.tx.appointment.findMany({
      where: this.where(f),
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      include: WITH_ATTENDEES,
      take: limit,
    });
  }

  find(id: string): Promise<AppointmentRow | null> {
    return this.db.tx.appointment.findFirst({ where: { id, organizationId: this.orgId }, include: WITH_ATTENDEES });
  }

  async create(data: AppointmentWrite, attendeeContactIds: readonly string[]): Promise<AppointmentRow> {
    const { id } = await this.db.tx.appointment.create({ data: { ...data, organizationId: this.orgId } });
    await this.setAttendees(id, attendeeContactIds);
    const row = await this.find(id);
    // Just inserted in this transaction: only a policy hiding it from its own writer could lose it.
    if (!row) throw new Error(`Appointment ${id} is not visible after insert`);
    return row;
  }

  /** Returns null when no such row is visible (and writable) to the caller. */
  async update(
    id: string,
    data: Prisma.AppointmentUncheckedUpdateManyInput,
    attendeeContactIds?: readonly string[],
  ): Promise<AppointmentRow | null> {
    const { count } = await this.db.tx.appointment.updateMany({ where: { id, organizationId: this.orgId }, data });
    if (!count) return null;
    if (attendeeContactIds) {
      await this.db.tx.appointmentAttendee.deleteMany({ where: { organizationId: this.orgId, appointmentId: id } });
      await this.setAttendees(id, attendeeContactIds);
    }
    return this.find(id);
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.db.tx.appointment.deleteMany({ where: { id, organizationId: this.orgId } });
    return count > 0;
  }

  /** The first live appointment of the agent overlapping the slot (what a 23P01 collided with). */
  async findOverlap(slot: Slot): Promise<string | null> {
    const row = await this.db.tx.appointment.findFirst({
      where: {
        organizationId: this.orgId,
        agentId: slot.agentId,
        status: { not: 'CANCELLED' },
        startsAt: { lt: slot.endsAt },
        endsAt: { gt: slot.startsAt },
        ...(slot.excludeId && { id: { not: slot.excludeId } }),
      },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    return row?.id ?? null;
  }

  private async setAttendees(appointmentId: string, contactIds: readonly string[]): Promise<void> {
    if (!contactIds.length) return;
    await this.db.tx.appointmentAttendee.createMany({
      data: contactIds.map((contactId) => ({ organizationId: this.orgId, appointmentId, contactId })),
    });
  }
}
