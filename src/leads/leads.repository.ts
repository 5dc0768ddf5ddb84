import { Injectable } from '@nestjs/common';
import { skipTake } from '../common/pagination.js';
import { containsPattern } from '../common/search.js';
import { parseSort } from '../common/sort.js';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';
import type { LeadSortField, ListLeadsQuery } from './dto/list-leads.query.js';

/** A lead as the API reads it: every column but the generated match keys. */
export type LeadRow = Omit<Prisma.LeadGetPayload<object>, 'emailKey' | 'phoneKey' | 'nameKey'>;
/** What the list selects: what toLeadOutput reads (no organization_id). */
export type LeadListRow = Omit<LeadRow, 'organizationId'>;
export type LeadWrite = Omit<Prisma.LeadUncheckedCreateInput, 'organizationId' | 'id' | 'score'>;

/** Sort fields (validated by SortParam) → columns; nothing else reaches ORDER BY. */
const SORT_COLUMNS: Record<LeadSortField, string> = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  name: 'name',
  scoreValue: 'score_value',
};

/** The list's columns, named as the Prisma model's fields (LeadListRow); enums as text. */
const LIST_COLUMN_NAMES = [
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
  'version',
  'last_contact_at AS "lastContactAt"',
  'deleted_at AS "deletedAt"',
  'converted_contact_id AS "convertedContactId"',
];
const LIST_COLUMNS = Prisma.raw(LIST_COLUMN_NAMES.join(', '));
/** A whole lead (LeadRow): the list's columns and its organization. */
const LEAD_COLUMNS = Prisma.raw(['organization_id AS "organizationId"', ...LIST_COLUMN_NAMES].join(', '));

/** Writable fields → [column, cast]; the only names that reach INSERT and UPDATE. */
const WRITE_COLUMNS: Record<string, readonly [string, string]> = {
  name: ['name', 'text'],
  email: ['email', 'text'],
  phone: ['phone', 'text'],
  company: ['company', 'text'],
  source: ['source', '"LeadSource"'],
  status: ['status', '"LeadStatus"'],
  scoreValue: ['score_value', 'int'],
  budget: ['budget', 'numeric'],
  timeline: ['timeline', 'text'],
  notes: ['notes', 'text'],
  tags: ['tags', 'text[]'],
  customFields: ['custom_fields', 'jsonb'],
  assignedToId: ['assigned_to_id', 'uuid'],
  createdById: ['created_by_id', 'uuid'],
  updatedAt: ['updated_at', 'timestamptz'],
  lastContactAt: ['last_contact_at', 'timestamptz'],
  deletedAt: ['deleted_at', 'timestamptz'],
  convertedContactId: ['converted_contact_id', 'uuid'],
};

/** The set fields of a Prisma-shaped write as (column, value::cast) pairs; Prisma's JSON nulls become NULL. */
function writeColumns(data: object): [Prisma.Sql, Prisma.Sql][] {
  const out: [Prisma.Sql, Prisma.Sql][] = [];
  for (const [field, raw] of Object.entries(data)) {
    if (raw === undefined) continue;
    const spec = Object.hasOwn(WRITE_COLUMNS, field) ? WRITE_COLUMNS[field] : undefined;
    const value = raw === Prisma.DbNull || raw === Prisma.JsonNull ? null : (raw as unknown);
    const plain = value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date;
    if (!spec || (!plain && spec[1] !== 'jsonb' && !Prisma.Decimal.isDecimal(value))) {
      throw new Error(`Unsupported lead write: ${field}`);
    }
    out.push([Prisma.raw(spec[0]), Prisma.sql`${value}::${Prisma.raw(spec[1])}`]);
  }
  return out;
}

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
   * the former findMany + count: same filters, same order, `q` as every list takes it
   * (common/search.ts).
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
    const rows = await this.db.sql.query<LeadListRow & { total: number }>(Prisma.sql`
      SELECT ${LIST_COLUMNS}, (SELECT count(*)::int FROM leads WHERE ${where}) AS total
      FROM leads
      WHERE ${where}
      ORDER BY ${orderBy}
      LIMIT ${take} OFFSET ${skip}`);
    if (rows.length === 0) {
      // Past the last page (or nothing at all): the total still has to be known.
      if (skip === 0) return [[], 0];
      const [count] = await this.db.sql.query<{ total: number }>(Prisma.sql`
        SELECT count(*)::int AS total FROM leads WHERE ${where}`);
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
    if (q.createdTo) and.push(Prisma.sql`created_at < ${q.createdTo}::timestamptz`);
    if (q.q) {
      const p = containsPattern(q.q);
      and.push(
        Prisma.sql`(name ILIKE ${p}::text OR email ILIKE ${p}::text OR phone ILIKE ${p}::text OR company ILIKE ${p}::text)`,
      );
    }
    return Prisma.join(and, ' AND ');
  }

  /**
   * A live (not soft-deleted) lead, or null — another organization's id is simply not found (RLS).
   * This and the other single-lead statements below go through the SQL lane (one driver
   * round trip, no Prisma statement): they are the API's busiest after the list.
   */
  async findLive(id: string): Promise<LeadRow | null> {
    const [row] = await this.db.sql.query<LeadRow>(Prisma.sql`
      SELECT ${LEAD_COLUMNS} FROM leads
      WHERE organization_id = ${this.orgId}::uuid AND id = ${id}::uuid AND deleted_at IS NULL`);
    return row ?? null;
  }

  /** findLive, holding the row lock until the unit of work ends (status checks stay true until the write). */
  async lockLive(id: string): Promise<LeadRow | null> {
    const [row] = await this.db.sql.query<LeadRow>(Prisma.sql`
      SELECT ${LEAD_COLUMNS} FROM leads
      WHERE organization_id = ${this.orgId}::uuid AND id = ${id}::uuid AND deleted_at IS NULL
      FOR UPDATE`);
    return row ?? null;
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

  /**
   * Inserts a lead; with `unlessExists`, only when no row matches that condition (over alias
   * `l`), evaluated by the INSERT itself — null then.
   */
  async create(data: LeadWrite): Promise<LeadRow>;
  async create(data: LeadWrite, unlessExists: Prisma.Sql): Promise<LeadRow | null>;
  async create(data: LeadWrite, unlessExists?: Prisma.Sql): Promise<LeadRow | null> {
    const cols = writeColumns({ ...data, organizationId: undefined });
    const columns = Prisma.join(
      cols.map(([c]) => c),
      ', ',
    );
    const values = Prisma.join([Prisma.sql`${this.orgId}::uuid`, ...cols.map(([, v]) => v)], ', ');
    const [row] = await this.db.sql.query<LeadRow>(
      unlessExists
        ? Prisma.sql`INSERT INTO leads (organization_id, ${columns})
            SELECT ${values} WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE ${unlessExists})
            RETURNING ${LEAD_COLUMNS}`
        : Prisma.sql`INSERT INTO leads (organization_id, ${columns}) VALUES (${values}) RETURNING ${LEAD_COLUMNS}`,
    );
    return row ?? null;
  }

  /** Updates a lead in the given deleted/live state; returns null when no such row is visible. */
  async update(id: string, data: Prisma.LeadUncheckedUpdateManyInput, deleted = false): Promise<LeadRow | null> {
    const sets = writeColumns(data).map(([c, v]) => Prisma.sql`${c} = ${v}`);
    const where = Prisma.sql`organization_id = ${this.orgId}::uuid AND id = ${id}::uuid
      AND deleted_at ${Prisma.raw(deleted ? 'IS NOT NULL' : 'IS NULL')}`;
    const [row] = await this.db.sql.query<LeadRow>(
      sets.length
        ? Prisma.sql`UPDATE leads SET ${Prisma.join(sets, ', ')} WHERE ${where} RETURNING ${LEAD_COLUMNS}`
        : Prisma.sql`SELECT ${LEAD_COLUMNS} FROM leads WHERE ${where}`,
    );
    return row ?? null;
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
