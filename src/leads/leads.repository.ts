import { Injectable } from '@nestjs/common';
import {
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Selectable,
  type SqlBool,
  sql,
  type Updateable,
} from 'kysely';
import { skipTake } from '../common/pagination.js';
import { containsPattern } from '../common/search.js';
import { parseSort } from '../common/sort.js';
import { columnsOf } from '../database/columns.js';
import { cursorBatches } from '../database/cursor.js';
import type { DB } from '../database/schema.js';
import type { Sql } from '../database/sql.js';
import { StatementTemplates } from '../database/statement-templates.js';
import { TenantRepository } from '../database/tenant-repository.js';
import { Prisma } from '../generated/prisma/client.js';
import type { LeadSortField, ListLeadsQuery } from './dto/list-leads.query.js';
import { liveContactMatch } from './lead-duplicates.repository.js';

/** Every column a lead is read with: all but the generated match keys, which never leave the database. */
const LEAD_COLUMNS = columnsOf(Prisma.LeadScalarFieldEnum, ['emailKey', 'phoneKey', 'nameKey']);
/** A list item does not repeat the organization. */
const LIST_COLUMNS = LEAD_COLUMNS.filter((c): c is Exclude<typeof c, 'organizationId'> => c !== 'organizationId');

export type LeadRow = Pick<Selectable<DB['leads']>, (typeof LEAD_COLUMNS)[number]>;
export type LeadListRow = Pick<Selectable<DB['leads']>, (typeof LIST_COLUMNS)[number]>;
/** What a create may set (the organization and the database's own columns are not the caller's). */
export type LeadWrite = Omit<
  Insertable<DB['leads']>,
  'organizationId' | 'id' | 'score' | 'emailKey' | 'phoneKey' | 'nameKey' | 'version' | 'computedScore'
>;
/** What an update may change. */
export type LeadChanges = Omit<
  Updateable<DB['leads']>,
  'organizationId' | 'id' | 'score' | 'emailKey' | 'phoneKey' | 'nameKey' | 'version' | 'computedScore'
>;

/**
 * A scoreValue written by anyone is a manual score: it overrides the computed one (the
 * leads_score trigger would otherwise replace it; docs/lead-scoring.md) unless the caller
 * says otherwise.
 */
function withOverride<T extends { scoreValue?: unknown; scoreOverride?: boolean }>(data: T): T {
  return data.scoreValue !== undefined && data.scoreOverride === undefined ? { ...data, scoreOverride: true } : data;
}

/** The list's filters and sort without its page: what an export of the list reads. */
export type LeadFilters = Omit<ListLeadsQuery, 'page' | 'pageSize' | 'include'>;
/** A condition over the leads table aliased `l` (a duplicate lookup's). */
export type LeadCondition = (eb: ExpressionBuilder<DB & { l: DB['leads'] }, 'l'>) => Expression<SqlBool>;
/** The contact details a create is checked against (LeadsRepository.create). */
export interface ContactMatch {
  email?: string | null;
  phone?: string | null;
}

/** Sort fields (validated by SortParam) → columns; nothing else reaches ORDER BY. */
const SORT_COLUMNS = {
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  name: 'name',
  scoreValue: 'scoreValue',
} as const satisfies Record<LeadSortField, keyof DB['leads']>;

/** The list's WHERE values (LeadsRepository.whereValues): each a parameter, or absent. */
export type WhereValues = Pick<
  LeadFilters,
  | 'status'
  | 'source'
  | 'score'
  | 'priority'
  | 'assignedToId'
  | 'campaignId'
  | 'ids'
  | 'tag'
  | 'createdFrom'
  | 'createdTo'
> & {
  orgId: string;
  includeDeleted: boolean;
  /** The search text as an ILIKE pattern (containsPattern). */
  pattern?: string;
};

/**
 * The list's WHERE; every value a parameter. It decides only on a value's presence, an
 * array's length and includeDeleted, as a statement template may (statement-templates.ts).
 */
function listWhere(eb: ExpressionBuilder<DB, 'leads'>, v: WhereValues): Expression<SqlBool> {
  const and: Expression<SqlBool>[] = [eb('organizationId', '=', v.orgId)];
  if (!v.includeDeleted) and.push(eb('deletedAt', 'is', null));
  if (v.status?.length) and.push(eb('status', 'in', v.status));
  if (v.source?.length) and.push(eb('source', 'in', v.source));
  if (v.score?.length) and.push(eb('score', 'in', v.score));
  if (v.priority?.length) and.push(eb('priority', 'in', v.priority));
  if (v.assignedToId) and.push(eb('assignedToId', '=', v.assignedToId));
  if (v.campaignId) and.push(eb('campaignId', '=', v.campaignId));
  if (v.ids?.length) and.push(eb('id', 'in', v.ids));
  if (v.tag) and.push(eb('tags', '@>', sql<string[]>`ARRAY[${v.tag}]::text[]`));
  if (v.createdFrom) and.push(eb('createdAt', '>=', v.createdFrom));
  if (v.createdTo) and.push(eb('createdAt', '<', v.createdTo));
  if (v.pattern) {
    const p = v.pattern;
    and.push(
      eb.or([eb('name', 'ilike', p), eb('email', 'ilike', p), eb('phone', 'ilike', p), eb('company', 'ilike', p)]),
    );
  }
  return eb.and(and);
}

/** The list's values: its WHERE's, and the page. */
export type LeadPageValues = WhereValues & { take: number; skip: number };

/** A checked create's values: the row's, and the contact details it is checked against. */
export type CheckedInsertValues = LeadWrite & {
  organizationId: string;
  matchEmail: string | null;
  matchPhone: string | null;
};

/**
 * A create's INSERT … SELECT: the row, unless a live lead of the organization has its email
 * or phone (LeadsRepository.create). Passes every value on as a parameter, and decides only
 * on which columns are given, so it is built once per set of columns (a statement template):
 * building and compiling it with Kysely was ≈ 6 % of a create's CPU (docs/performance.md).
 */
export function checkedLeadInsert(db: Sql, v: CheckedInsertValues) {
  const { matchEmail, matchPhone, ...values } = v;
  const columns = (Object.keys(values) as (keyof typeof values)[]).filter((k) => values[k] !== undefined);
  const duplicate = (eb: ExpressionBuilder<DB & { l: DB['leads'] }, 'l'>) =>
    liveContactMatch(eb, values.organizationId, matchEmail, matchPhone);
  // INSERT … SELECT: Postgres types the selected parameters by their target columns.
  return db
    .insertInto('leads')
    .columns(columns)
    .expression(
      db
        .selectNoFrom((eb) => columns.map((c) => eb.val(values[c]).as(c)))
        .where((eb) => eb.not(eb.exists(eb.selectFrom('leads as l').select('l.id').where(duplicate)))),
    )
    .returning(LEAD_COLUMNS);
}

/**
 * The list's page of leads with the total in one statement (LeadsRepository.list), sorted by
 * `sort` (validated by SortParam; the default when empty). Its text depends on nothing else
 * than listWhere's decisions and the sort, as a statement template needs.
 */
export function leadPage(db: Sql, v: LeadPageValues, sort: string) {
  const where = (eb: ExpressionBuilder<DB, 'leads'>) => listWhere(eb, v);
  let page = db
    .selectFrom('leads')
    .select(LIST_COLUMNS)
    .select((eb) =>
      eb
        .selectFrom('leads')
        .select(sql<number>`count(*)::int`.as('n'))
        .where(where)
        .as('total'),
    )
    .where(where);
  for (const k of parseSort<LeadSortField>(sort, '-createdAt')) page = page.orderBy(SORT_COLUMNS[k.field], k.direction);
  return page.orderBy('id', 'asc').limit(v.take).offset(v.skip);
}

@Injectable()
export class LeadsRepository extends TenantRepository {
  /**
   * One page and its total in ONE statement (every statement is a round trip and its
   * decoding; docs/performance.md). The total is a scalar subquery, an init-plan evaluated
   * once, so it keeps its index-only scan on leads_org_live_created_idx
   * (test/query-plans.e2e.spec.ts). Built and compiled once per shape of filters and sort
   * (statement-templates.ts). bench/baseline.mjs (GET /v1/leads) sends this very text; keep
   * the two in line.
   */
  async list(query: ListLeadsQuery): Promise<[(LeadListRow & { total: number | null })[], number]> {
    const { skip, take } = skipTake(query);
    const values = { ...this.whereValues(query), take, skip };
    const { rows } = await this.db.execute<LeadListRow & { total: number | null }>(
      this.pages.compile(values, query.sort ?? ''),
    );
    if (rows.length === 0) {
      // Past the last page (or nothing at all): the total still has to be known.
      if (skip === 0) return [[], 0];
      const count = await this.db.sql
        .selectFrom('leads')
        .select(sql<number>`count(*)::int`.as('total'))
        .where((eb) => listWhere(eb, values))
        .executeTakeFirstOrThrow();
      return [[], count.total];
    }
    // Each row keeps its `total` column: the mapper reads only the output's fields, and
    // copying 25 rows without it (an object rest per row) cost ≈ 4 % of a list request.
    return [rows, rows[0].total ?? 0];
  }

  /** The list's page and total, per shape of filters and sort. */
  private readonly pages = new StatementTemplates((v: LeadPageValues, sort: string) => leadPage(this.db.sql, v, sort));

  /** A live lead by id; with `lock`, FOR UPDATE. */
  private readonly liveLeads = new StatementTemplates((v: { orgId: string; id: string }, lock: string) => {
    const live = this.db.sql
      .selectFrom('leads')
      .select(LEAD_COLUMNS)
      .where('organizationId', '=', v.orgId)
      .where('id', '=', v.id)
      .where('deletedAt', 'is', null);
    return lock ? live.forUpdate() : live;
  });

  /** The list's filters as the WHERE takes them: the organization, and the search text as its pattern. */
  private whereValues(q: LeadFilters): WhereValues {
    return {
      orgId: this.orgId,
      includeDeleted: q.includeDeleted === true,
      status: q.status,
      source: q.source,
      score: q.score,
      priority: q.priority,
      assignedToId: q.assignedToId,
      campaignId: q.campaignId,
      ids: q.ids,
      tag: q.tag,
      createdFrom: q.createdFrom,
      createdTo: q.createdTo,
      pattern: q.q ? containsPattern(q.q) : undefined,
    };
  }

  /** Every row the list would page through, in its order, in batches (a cursor: see cursor.ts). */
  exportBatches(query: LeadFilters): AsyncGenerator<LeadListRow[]> {
    let rows = this.db.sql
      .selectFrom('leads')
      .select(LIST_COLUMNS)
      .where((eb) => listWhere(eb, this.whereValues(query)));
    for (const k of parseSort<LeadSortField>(query.sort, '-createdAt'))
      rows = rows.orderBy(SORT_COLUMNS[k.field], k.direction);
    return cursorBatches(this.db.sql, rows.orderBy('id', 'asc'));
  }

  /** A live (not soft-deleted) lead, or null — another organization's id is simply not found (RLS). */
  findLive(id: string): Promise<LeadRow | null> {
    return this.live(id, '');
  }

  /** findLive, holding the row lock until the unit of work ends (status checks stay true until the write). */
  lockLive(id: string): Promise<LeadRow | null> {
    return this.live(id, 'lock');
  }

  private async live(id: string, lock: '' | 'lock'): Promise<LeadRow | null> {
    const { rows } = await this.db.execute<LeadRow>(this.liveLeads.compile({ orgId: this.orgId, id }, lock));
    return rows[0] ?? null;
  }

  /** Locks the visible leads among ids, live or deleted, in id order (no deadlock between two bulk calls). */
  async lockMany(ids: string[]): Promise<LeadRow[]> {
    return ids.length ? this.byIds(ids).orderBy('id').forUpdate().execute() : [];
  }

  async findMany(ids: string[]): Promise<LeadRow[]> {
    return ids.length ? this.byIds(ids).execute() : [];
  }

  private byIds(ids: string[]) {
    return this.db.sql
      .selectFrom('leads')
      .select(LEAD_COLUMNS)
      .where('organizationId', '=', this.orgId)
      .where('id', 'in', ids);
  }

  /**
   * Inserts a lead; with `unlessExists`, only when no live lead the caller sees has that email
   * or phone (normalized as the match keys are), evaluated by the INSERT itself — null then
   * (one round trip for create-with-check).
   */
  async create(data: LeadWrite): Promise<LeadRow>;
  async create(data: LeadWrite, unlessExists: ContactMatch): Promise<LeadRow | null>;
  async create(data: LeadWrite, unlessExists?: ContactMatch): Promise<LeadRow | null> {
    const values = { ...withOverride(data), organizationId: this.orgId };
    if (!unlessExists) {
      return this.db.sql.insertInto('leads').values(values).returning(LEAD_COLUMNS).executeTakeFirstOrThrow();
    }
    // Columns in name order, not the request body's: one template per set of columns, not per ordering of them.
    const byName = Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1))) as typeof values;
    const checked = { ...byName, matchEmail: unlessExists.email ?? null, matchPhone: unlessExists.phone ?? null };
    const { rows } = await this.db.execute<LeadRow>(this.checkedInserts.compile(checked));
    return rows[0] ?? null;
  }

  /** checkedLeadInsert, per set of columns given. */
  private readonly checkedInserts = new StatementTemplates(
    (v: CheckedInsertValues) => checkedLeadInsert(this.db.sql, v),
    {
      whole: ['tags', 'customFields'],
    },
  );

  /** Many leads in one statement (an import's batch); their ids, in order. */
  async createMany(data: LeadWrite[]): Promise<string[]> {
    if (!data.length) return [];
    const rows = await this.db.sql
      .insertInto('leads')
      .values(data.map((d) => ({ ...d, organizationId: this.orgId })))
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Updates a lead in the given deleted/live state; returns null when no such row is visible. */
  /**
   * Names what this transaction does to leads for the events trigger (app.emit_event in
   * 20261206050000_events_outbox), where the row changes alone cannot say it: a merge is
   * an update of the surviving lead.
   */
  async nameChange(reason: 'lead.merged'): Promise<void> {
    await sql`SELECT set_config('app.change_reason', ${reason}, true)`.execute(this.db.sql);
  }

  async update(id: string, changes: LeadChanges, deleted = false): Promise<LeadRow | null> {
    const set = Object.fromEntries(
      Object.entries(withOverride(changes)).filter(([, v]) => v !== undefined),
    ) as LeadChanges;
    const statement = Object.keys(set).length
      ? this.db.sql
          .updateTable('leads')
          .set(set)
          .where('organizationId', '=', this.orgId)
          .where('id', '=', id)
          .where('deletedAt', deleted ? 'is not' : 'is', null)
          .returning(LEAD_COLUMNS)
      : this.db.sql
          .selectFrom('leads')
          .select(LEAD_COLUMNS)
          .where('organizationId', '=', this.orgId)
          .where('id', '=', id)
          .where('deletedAt', deleted ? 'is not' : 'is', null);
    const { rows } = await this.db.execute(statement);
    return rows[0] ?? null;
  }

  /** One set-based UPDATE over ids (callers lock and validate them first); returns the row count. */
  async updateMany(ids: string[], changes: LeadChanges): Promise<number> {
    const result = await this.db.sql
      .updateTable('leads')
      .set(withOverride(changes))
      .where('organizationId', '=', this.orgId)
      .where('id', 'in', ids)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
