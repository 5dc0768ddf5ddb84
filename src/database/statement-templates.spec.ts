import { describe, expect, it } from '@jest/globals';
import { type CompiledQuery, sql } from 'kysely';
import { LeadPriority, LeadScore, LeadSource, LeadStatus } from '../generated/prisma/enums.js';
import {
  type CheckedInsertValues,
  checkedLeadInsert,
  type LeadPageValues,
  leadPage,
} from '../leads/leads.repository.js';
import { createSql } from './sql.js';
import { MAX_TEMPLATES, StatementTemplates } from './statement-templates.js';

// Compiling needs no connection.
const db = createSql(() => {
  throw new Error('compile only');
});

const ORG = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

interface Filter extends Record<string, unknown> {
  orgId: string;
  name?: string | null;
  ids?: string[];
  deleted?: boolean;
  limit: number;
}

/** A builder deciding on presence, truthiness, an array's length and a boolean, as templates allow. */
const build = (v: Filter, shape: string) => {
  let q = db.selectFrom('leads').select(['id', 'name']).where('organizationId', '=', v.orgId);
  if (v.name) q = q.where('name', '=', v.name);
  else if (v.name === null) q = q.where('name', 'is', null);
  if (v.ids?.length) q = q.where('id', 'in', v.ids);
  if (!v.deleted) q = q.where('deletedAt', 'is', null);
  q = q.where('status', '<>', 'LOST'); // a constant parameter of the builder
  return q.orderBy(shape === 'name' ? 'name' : 'createdAt', 'desc').limit(v.limit);
};

/** Whether two compiled statements differ in text or parameters. */
const differ = (a: CompiledQuery, b: CompiledQuery) =>
  a.sql !== b.sql || JSON.stringify(a.parameters) !== JSON.stringify(b.parameters);

describe('StatementTemplates', () => {
  it('sends each call the very statement a fresh build would, however calls alternate between shapes', () => {
    const templates = new StatementTemplates(build);
    const calls: [Filter, string][] = [
      [{ orgId: ORG, limit: 25 }, ''],
      [{ orgId: OTHER, limit: 10 }, ''],
      [{ orgId: ORG, name: 'Ann', limit: 25 }, ''],
      [{ orgId: ORG, name: '', limit: 25 }, ''], // falsy: no name condition
      [{ orgId: ORG, name: null, limit: 25 }, ''], // null: IS NULL
      [{ orgId: ORG, name: 'Bo', limit: 5 }, 'name'],
      [{ orgId: OTHER, ids: ['a', 'b'], deleted: true, limit: 1 }, ''],
      [{ orgId: ORG, ids: ['c', 'd', 'e'], deleted: true, limit: 2 }, ''],
      [{ orgId: ORG, ids: [], deleted: false, limit: 3 }, ''],
      [{ orgId: OTHER, ids: ['f', 'g'], deleted: true, limit: 4 }, ''],
      [{ orgId: ORG, name: 'Cy', limit: 7 }, ''],
    ];
    for (const [values, shape] of [...calls, ...calls.reverse()]) {
      const fresh = build(values, shape).compile();
      const cached = templates.compile(values, shape);
      expect({ sql: cached.sql, parameters: cached.parameters }).toEqual({
        sql: fresh.sql,
        parameters: fresh.parameters,
      });
    }
  });

  it('refuses, on the first build, a builder that computes with a value instead of passing it on', () => {
    const templates = new StatementTemplates((v: { orgId: string; q: string }) =>
      db.selectFrom('leads').select('id').where('organizationId', '=', v.orgId).where('name', 'ilike', `%${v.q}%`),
    );
    expect(() => templates.compile({ orgId: ORG, q: 'ann' })).toThrow(
      /parameter "q" was used as a value while building/,
    );
    // Control: the same statement with the pattern computed before is a value of its own.
    const fine = new StatementTemplates((v: { orgId: string; pattern: string }) =>
      db.selectFrom('leads').select('id').where('organizationId', '=', v.orgId).where('name', 'ilike', v.pattern),
    );
    expect(fine.compile({ orgId: ORG, pattern: '%ann%' }).parameters).toEqual([ORG, '%ann%']);
    expect(fine.compile({ orgId: OTHER, pattern: '%bo%' }).parameters).toEqual([OTHER, '%bo%']);
  });

  it('refuses a value written into the text (sql.lit) instead of sent as a parameter', () => {
    const templates = new StatementTemplates((v: { orgId: string }) =>
      db.selectFrom('leads').select('id').where('organizationId', '=', sql.lit(v.orgId)),
    );
    expect(() => templates.compile({ orgId: ORG })).toThrow(/parameter "orgId" was used as a value/);
  });

  it('sends a value named in `whole` as one parameter, whatever it holds, and refuses such an array not named', () => {
    const insert = (v: { orgId: string; tags?: string[]; doc?: Record<string, unknown> | unknown[] | null }) =>
      db
        .insertInto('leads')
        .values({ organizationId: v.orgId, name: 'x', tags: v.tags, customFields: v.doc })
        .returning('id');
    const templates = new StatementTemplates(insert, { whole: ['tags', 'doc'] });
    const calls = [
      { orgId: ORG, tags: ['a'], doc: { a: 1 } },
      { orgId: OTHER, tags: ['a', 'b', 'c'], doc: [1, 2] },
      { orgId: ORG, tags: [], doc: null },
      { orgId: ORG },
      { orgId: OTHER, tags: ['d', 'e'], doc: { b: [2] } },
    ];
    for (const values of [...calls, ...calls.reverse()]) {
      const cached = templates.compile(values);
      const fresh = insert(values).compile();
      expect({ sql: cached.sql, parameters: cached.parameters }).toEqual({
        sql: fresh.sql,
        parameters: fresh.parameters,
      });
    }
    // One parameter for the array, however long.
    expect(templates.compile({ orgId: ORG, tags: ['a', 'b', 'c'] }).parameters).toEqual([ORG, 'x', ['a', 'b', 'c']]);
    // Not named in `whole`, the array would be sent as a list of stand-ins: refused on its first build.
    expect(() => new StatementTemplates(insert).compile({ orgId: ORG, tags: ['a', 'b'] })).toThrow(
      /parameter "tags" is an array sent as one parameter: name it in `whole`/,
    );
    expect(templates.compile({ orgId: ORG }).parameters).toEqual([ORG, 'x']); // absent: no column
    // Control: an array spread into a list (IN) needs no `whole`.
    expect(new StatementTemplates(build).compile({ orgId: ORG, ids: ['a', 'b'], limit: 1 }).parameters).toEqual([
      ORG,
      'a',
      'b',
      'LOST',
      1,
    ]);
  });

  it(`builds afresh past ${MAX_TEMPLATES} shapes, with the same statements`, () => {
    const templates = new StatementTemplates(build);
    for (let i = 0; i <= MAX_TEMPLATES + 5; i++) {
      const values: Filter = { orgId: ORG, ids: Array.from({ length: i + 1 }, (_, k) => `id${k}`), limit: i + 1 };
      const cached = templates.compile(values);
      const fresh = build(values, '').compile();
      expect(cached.sql).toBe(fresh.sql);
      expect(cached.parameters).toEqual(fresh.parameters);
    }
  });
});

describe('the lead list statement', () => {
  const pick = <T>(xs: readonly T[], n: number): T[] => xs.slice(n % xs.length, (n % xs.length) + 1 + (n % 2));
  const SORTS = ['', '-createdAt', 'name', '-scoreValue,name', 'updatedAt,-createdAt'];

  /** Filters built deterministically from n: every condition present in some, absent in others. */
  function valuesFor(n: number): LeadPageValues {
    const on = (bit: number) => ((n >> bit) & 1) === 1;
    return {
      orgId: n % 3 ? ORG : OTHER,
      includeDeleted: on(0),
      status: on(1) ? pick(Object.values(LeadStatus), n) : undefined,
      source: on(2) ? pick(Object.values(LeadSource), n) : undefined,
      score: on(3) ? pick(Object.values(LeadScore), n) : undefined,
      priority: on(4) ? pick(Object.values(LeadPriority), n) : undefined,
      assignedToId: on(5) ? OTHER : undefined,
      campaignId: on(6) ? ORG : undefined,
      ids: on(7) ? [ORG, OTHER].slice(0, 1 + (n % 2)) : undefined,
      tag: on(8) ? `tag-${n}` : undefined,
      createdFrom: on(9) ? new Date(Date.UTC(2026, 0, 1 + (n % 28))) : undefined,
      createdTo: on(10) ? new Date(Date.UTC(2026, 5, 1 + (n % 28))) : undefined,
      pattern: on(11) ? `%term${n}%` : undefined,
      take: 1 + (n % 100),
      skip: (n % 4) * 25,
    };
  }

  it('is, from its template, the statement a fresh build gives, for every combination of filters and sorts', () => {
    const templates = new StatementTemplates((v: LeadPageValues, sort: string) => leadPage(db, v, sort));
    const mismatches: unknown[] = [];
    // Twice over 4,096 filter sets, so each template is reused with other values.
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < 4096; n++) {
        const values = valuesFor(n * 7 + round);
        const sort = SORTS[(n + round) % SORTS.length]!;
        const cached = templates.compile(values, sort);
        if (differ(cached, leadPage(db, values, sort).compile())) mismatches.push({ n, round, sort, sql: cached.sql });
      }
    }
    expect(mismatches).toEqual([]);
    // Control: the comparison sees a difference when there is one.
    expect(differ(templates.compile(valuesFor(1), ''), leadPage(db, valuesFor(2), '').compile())).toBe(true);
  });
});

describe('the checked lead insert statement', () => {
  /** A create's values built deterministically from n: every column given in some, not in others, some falsy. */
  function valuesFor(n: number): CheckedInsertValues {
    const on = (bit: number) => ((n >> bit) & 1) === 1;
    const email = on(0) ? `lead${n}@example.com` : undefined;
    const phone = on(1) ? `+1 555 ${n}` : on(2) ? null : undefined;
    return {
      name: on(3) ? `Lead ${n}` : '',
      email,
      phone,
      company: on(4) ? `Co ${n}` : undefined,
      source: on(5) ? Object.values(LeadSource)[n % 4] : undefined,
      status: on(6) ? LeadStatus.IN_CONTACT : undefined,
      scoreValue: on(7) ? n % 101 : on(8) ? 0 : undefined,
      scoreOverride: on(7) ? true : on(8) ? false : undefined,
      tags: on(9) ? ['a', 'b', 'c'].slice(0, n % 4) : undefined,
      customFields: on(10) ? { n } : on(11) ? null : undefined,
      createdById: n % 5 ? OTHER : undefined,
      organizationId: n % 3 ? ORG : OTHER,
      matchEmail: email ?? null,
      matchPhone: phone ?? null,
    };
  }

  it('is, from its template, the statement a fresh build gives, for every set of columns', () => {
    const templates = new StatementTemplates((v: CheckedInsertValues) => checkedLeadInsert(db, v), {
      whole: ['tags', 'customFields'],
    });
    const mismatches: unknown[] = [];
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < 4096; n++) {
        const values = valuesFor(n * 5 + round);
        const cached = templates.compile(values);
        if (differ(cached, checkedLeadInsert(db, values).compile())) mismatches.push({ n, round, sql: cached.sql });
      }
    }
    expect(mismatches).toEqual([]);
    // Control: the comparison sees a difference when there is one.
    expect(differ(templates.compile(valuesFor(1)), checkedLeadInsert(db, valuesFor(2)).compile())).toBe(true);
  });
});
