import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Conflict, ErrorCode } from '../common/errors.js';
import { parseSort } from '../common/sort.js';
import { offsetBatches } from '../database/cursor.js';
import { findPage } from '../database/find-page.js';
import { TenantRepository } from '../database/tenant-repository.js';
import { Prisma } from '../generated/prisma/client.js';
import type { ContactSortField, ListContactsQuery } from './dto/list-contacts.query.js';
import { containsText } from '../common/search.js';

export type ContactRow = Prisma.ContactGetPayload<object>;
/** The list's filters and sort without its page: what an export of the list reads. */
export type ContactFilters = Omit<ListContactsQuery, 'page' | 'pageSize' | 'include'>;
export type ContactWrite = Omit<Prisma.ContactUncheckedCreateInput, 'organizationId' | 'id'>;
export interface ContactCounts {
  deals: number;
  openActivities: number;
}

/** The only unique key on contacts besides the id is contacts_org_email_live_key. */
function emailTaken(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new Conflict('Another live contact already has this email', ErrorCode.ContactEmailTaken, [
      { field: 'email', message: 'is already used by another contact in this organization' },
    ]);
  }
  throw error;
}

@Injectable()
export class ContactsRepository extends TenantRepository {
  async list(query: ListContactsQuery): Promise<[ContactRow[], number]> {
    return findPage(this.db.tx.contact, this.listWhere(query), this.listOrder(query), query);
  }

  /** Every row the list would page through, in its order, in batches (by offset: see cursor.ts). */
  exportBatches(query: ContactFilters): AsyncGenerator<ContactRow[]> {
    const where = this.listWhere(query);
    const orderBy = this.listOrder(query);
    return offsetBatches((skip, take) => this.db.tx.contact.findMany({ where, orderBy, skip, take }));
  }

  private listOrder(query: ContactFilters): Prisma.ContactOrderByWithRelationInput[] {
    return [
      ...parseSort<ContactSortField>(query.sort, '-createdAt').map((k) => ({ [k.field]: k.direction })),
      { id: 'asc' },
    ];
  }

  private listWhere(q: ContactFilters): Prisma.ContactWhereInput {
    const where: Prisma.ContactWhereInput = { organizationId: this.orgId };
    if (!q.includeDeleted) where.deletedAt = null;
    if (q.type?.length) where.type = { in: q.type };
    if (q.status?.length) where.status = { in: q.status };
    if (q.assignedToId) where.assignedToId = q.assignedToId;
    if (q.productId) where.productId = q.productId;
    if (q.acquisitionStageId) where.acquisitionStageId = q.acquisitionStageId;
    if (q.ids?.length) where.id = { in: q.ids };
    if (q.tag) where.tags = { has: q.tag };
    if (q.q) {
      const contains = containsText(q.q);
      where.OR = [{ name: contains }, { email: contains }, { phone: contains }, { company: contains }];
    }
    return where;
  }

  /** The live contact holding this email (case-insensitive, as the unique index compares), if any. */
  async liveIdByEmail(email: string): Promise<string | null> {
    const row = await this.db.sql
      .selectFrom('contacts')
      .select('id')
      .where('organizationId', '=', this.orgId)
      .where('deletedAt', 'is', null)
      .where(sql<boolean>`lower(email) = lower(${email})`)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  findLive(id: string): Promise<ContactRow | null> {
    return this.db.tx.contact.findFirst({ where: this.whereRow(id) });
  }

  /** Live deals (as far as RLS lets the caller see them) and uncompleted activities of a contact. */
  async counts(id: string): Promise<ContactCounts> {
    const [deals, openActivities] = await Promise.all([
      this.db.tx.deal.count({ where: { organizationId: this.orgId, contactId: id, deletedAt: null } }),
      this.db.tx.activity.count({ where: { organizationId: this.orgId, contactId: id, completedAt: null } }),
    ]);
    return { deals, openActivities };
  }

  /** 409 CONTACT_EMAIL_TAKEN when the email belongs to another live contact (enforced by the partial unique index). */
  create(data: ContactWrite): Promise<ContactRow> {
    return this.db.tx.contact.create({ data: { ...data, organizationId: this.orgId } }).catch(emailTaken);
  }

  /** Updates a contact in the given deleted/live state; null when no such row is visible. */
  async update(id: string, data: Prisma.ContactUncheckedUpdateManyInput, deleted = false): Promise<ContactRow | null> {
    const rows = await this.db.tx.contact
      .updateManyAndReturn({
        where: this.whereRow(id, deleted),
        data,
      })
      .catch(emailTaken);
    return rows[0] ?? null;
  }
}
