import { Injectable } from '@nestjs/common';
import { skipTake } from '../common/pagination.js';
import { parseSort } from '../common/sort.js';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';
import type { LeadSortField, ListLeadsQuery } from './dto/list-leads.query.js';

export type LeadRow = Prisma.LeadGetPayload<object>;
/** What the list selects: what toLeadOutput reads (no organization_id, no generated match keys). */
export type LeadListRow = Omit<LeadRow, 'organizationId' | 'emailKey' | 'phoneKey' | 'nameKey'>;
export type LeadWrite = Omit<Prisma.LeadUncheckedCreateInput, 'organizationId' | 'id' | 'score'>;

/** Sort fields (validated by SortParam) → columns; nothing else reaches ORDER BY. */
const SORT_COLUMNS: Record<LeadSortField, string> = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  name: 'name',
  scoreValue: 'score_value',
};

/** The list's columns, named as the Prisma model's fields (LeadListRow); enums as text. */
const LIST_COLUMNS = Prisma.raw(
  [
    'id',
    'name',
    'email',
    'phone',
    'company',
    'source::text AS source',
    'status::text AS status',
    'score::text AS score',
    'score_value AS "scoreValue"',
    'budget',
    'timeline',
    'notes',
    'tags',
    'custom_fields AS "customFields"',
    'assigned_to_id AS "assignedToId"',
    'created_by_id AS "createdById"',
    'created_at AS "createdAt"',
    'updated_at AS "updatedAt"',
    'last_contact_at AS "lastContactAt"',
    'deleted_at AS "deletedAt"',
    'converted_contact_id AS "convertedContactId"',
  ].join(', '),
);

@Injectable()
export class LeadsRepository {
  constructor(private readonly db: TenantDb) {}

  private get orgId(): string {
    return this.db.orgId;
  }

  /**
   * One page and its total in ONE statement (each Prisma statement costs ≈ 200 µs of
   * Node CPU plus row mapping; docs/performance.md). The total is a scalar subquery,
   * an init-plan evaluated once, so it keeps its index-only scan on
   * leads_org_live_created_idx (test/query-plans.e2e.spec.ts). Semantics are those of
   * the former findMany + count: same filters, same order, `q` as Prisma's
   * `contains` + `mode: 'insensitive'` renders it (ILIKE '%' || q || '%', q unescaped).
   * bench/baseline.mjs (GET /v1/leads) sends this very text; keep the two in line.
   */
  async list(query: ListLeadsQuery): Promise<[LeadListRow[], number]> {
    const where = this.listWhere(query);
    const orderBy = Prisma.join(
      [
        ...parseSort<LeadSortField>(query.sort, '-createdAt').map((k) =>
          Prisma.raw(`${SORT_COLUMNS[k.field]} ${k.direction === 'desc' ? 'DESC' : 'ASC'}`),
        ),
        Prisma.raw('id ASC'),
      ],
      ', ',
    );
    const { skip, take } = skipTake(query);
    const rows = await this.db.tx.$queryRaw<(LeadListRow & { total: number })[]>`
      SELECT ${LIST_COLUMNS}, (SELECT count(*)::int FROM leads WHERE ${where}) AS total
      FROM leads
      WHERE ${where}
      ORDER BY ${orderBy}
      LIMIT ${take} OFFSET ${skip}`;
    if (rows.length === 0) {
      // Past the last page (or nothing at all): the total still has to be known.
      if (skip === 0) return [[], 0];
      const [count] = await this.db.tx.$queryRaw<{ total: number }[]>`
        SELECT count(*)::int AS total FROM leads WHERE ${where}`;
      return [[], count.total];
    }
    const total = rows[0].total;
    return [rows.map(({ total: _total, ...row }) => row), total];
  }

  /** The list's WHERE; every value a parameter. */
  private listWhere(q: ListLeadsQuery): Prisma.Sql {
    const and: Prisma.Sql[] = [Prisma.sql`organization_id = ${this.orgId}::uuid`];
    if (!q.includeDeleted) and.push(Prisma.sql`deleted_at IS NULL`);
    if (q.status?.length) and.push(Prisma.sql`status = ANY(${q.status}::"LeadStatus"[])`);
    if (q.source?.length) and.push(Prisma.sql`source = ANY(${q.source}::"LeadSource"[])`);
    if (q.score?.length) and.push(Prisma.sql`score = ANY(${q.score}::"LeadScore"[])`);
    if (q.assignedToId) and.push(Prisma.sql`assigned_to_id = ${q.assignedToId}::uuid`);
    if (q.tag) and.push(Prisma.sql`tags @> ARRAY[${q.tag}::text]`);
    if (q.createdFrom) and.push(Prisma.sql`created_at >= ${q.createdFrom}::timestamptz`);
    if (q.createdTo) and.push(Prisma.sql`created_at <= ${q.createdTo}::timestamptz`);
    if (q.q) {
      // As Prisma's `contains` (insensitive) renders it: % and _ in q stay wildcards.
      const p = q.q;
      and.push(
        Prisma.sql`(name ILIKE ('%' || ${p}::text || '%') OR email ILIKE ('%' || ${p}::text || '%') OR phone ILIKE ('%' || ${p}::text || '%') OR company ILIKE ('%' || ${p}::text || '%'))`,
      );
    }
    return Prisma.join(and, ' AND ');
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
