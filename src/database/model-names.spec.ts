import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  PG_TYPES,
  PgConnection,
  PgliteConnection,
  type SqlConnection,
  StatementCounter,
  StatementNames,
} from './connection.js';
import { columnName, MAX_BUILDERS, modelName, withModelNames } from './model-names.js';
import { openPglite } from './sql-session.js';

describe('model names', () => {
  it('maps names both ways', () => {
    expect(modelName('score_value')).toBe('scoreValue');
    expect(modelName('first_response_at')).toBe('firstResponseAt');
    expect(modelName('id')).toBe('id');
    expect(columnName('scoreValue')).toBe('score_value');
    expect(columnName(modelName('converted_contact_id'))).toBe('converted_contact_id');
  });

  it('names array rows by their fields, keeping values as they are', () => {
    const json = { snake_key: 1 };
    const rows = withModelNames(
      [{ name: 'id' }, { name: 'custom_fields' }, { name: 'score_value' }],
      [
        ['a', json, 3],
        ['b', null, null],
      ],
    );
    expect(rows).toEqual([
      { id: 'a', customFields: { snake_key: 1 }, scoreValue: 3 },
      { id: 'b', customFields: null, scoreValue: null },
    ]);
    expect(rows[0]!.customFields).toBe(json);
  });

  it('keeps the last of two columns of one name, as an object row does', () => {
    expect(withModelNames([{ name: 'n' }, { name: 'n' }], [[1, 2]])).toEqual([{ n: 2 }]);
    expect(withModelNames([{ name: 'n' }], [])).toEqual([]);
  });

  it('makes every name a key, never code, and never the prototype', () => {
    const breakOut = '", x: (() => { throw new Error("injected") })(), "';
    const odd = [
      'a"b',
      'c\\d',
      'x}; throw new Error(1); ({',
      '__proto__',
      'constructor',
      breakOut,
      'line\u2028sep\ud800',
    ];
    const [row] = withModelNames(
      odd.map((name) => ({ name })),
      [[1, 2, 3, { polluted: true }, 5, 6, 7]],
    );
    expect(Object.keys(row!)).toEqual([
      'a"b',
      'c\\d',
      'x}; throw new Error(1); ({',
      '_Proto__',
      'constructor',
      breakOut,
      'line\u2028sep\ud800',
    ]);
    expect(row![breakOut]).toBe(6);
    expect(row!['line\u2028sep\ud800']).toBe(7);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row!._Proto__).toEqual({ polluted: true });
    expect((row as { polluted?: unknown }).polluted).toBeUndefined();
    expect(row!['x}; throw new Error(1); ({']).toBe(3);
    expect(Object.getOwnPropertyDescriptor(row, 'constructor')?.value).toBe(5);
  });

  it('builds each column list its own rows', () => {
    const fields = (names: string[]) => names.map((name) => ({ name }));
    expect(withModelNames(fields(['a_b', 'c']), [[1, 2]])).toEqual([{ aB: 1, c: 2 }]);
    expect(withModelNames(fields(['c', 'a_b']), [[1, 2]])).toEqual([{ c: 1, aB: 2 }]);
    expect(withModelNames(fields(['a_b']), [[3], [4]])).toEqual([{ aB: 3 }, { aB: 4 }]);
    // Lists that would join alike without a separator stay apart.
    expect(withModelNames(fields(['ab', 'c']), [[1, 2]])).toEqual([{ ab: 1, c: 2 }]);
    expect(withModelNames(fields(['a', 'bc']), [[1, 2]])).toEqual([{ a: 1, bc: 2 }]);
  });

  it('parses timestamptz with its own parser, to the instants pg parses by default', () => {
    const ours = PG_TYPES.getTypeParser(1184);
    const pgs = pg.types.getTypeParser(1184);
    expect(ours).not.toBe(pgs);
    const texts = [
      '2026-12-07 05:00:00+00',
      '2026-12-07 05:00:00.5+00',
      '2026-12-07 05:00:00.123456+00',
      '2026-12-07 05:00:00.999999-03:30',
      '2026-12-07 10:30:00.57+05:30',
      '1883-11-18 11:59:59+00:09:21',
      '1900-01-01 00:00:00-00:44:30',
      '0099-06-01 12:00:00+00',
      '0044-03-15 12:00:00+00 BC',
      'infinity',
      '-infinity',
    ];
    for (const text of texts) expect({ text, at: ours(text) }).toEqual({ text, at: pgs(text) });
    expect((ours('2026-12-07 05:00:00.123456+00') as Date).toISOString()).toBe('2026-12-07T05:00:00.123Z');
  });
});

// The same statement through each driver, as objects and with model names: the same values.
const STATEMENT = `SELECT 'a'::text AS id, '{"snake_key": {"inner_key": 1}}'::jsonb AS custom_fields,
                          12.5::numeric AS score_value, 7::int8 AS big_count,
                          '2026-12-07 05:00:00+00'::timestamptz AS created_at, ARRAY['x_y']::text[] AS tags
                    WHERE $1::int = 1`;

async function bothWays(connection: SqlConnection) {
  const objects = await connection.query<Record<string, unknown>>(STATEMENT, [1]);
  const named = await connection.query<Record<string, unknown>>(STATEMENT, [1], { modelNames: true });
  const none = await connection.query<Record<string, unknown>>(STATEMENT, [2], { modelNames: true });
  return { objects: objects.rows, named: named.rows, none: none.rows };
}

function expectSameValues({ objects, named, none }: Awaited<ReturnType<typeof bothWays>>) {
  expect(named).toHaveLength(1);
  expect(none).toEqual([]);
  const [o] = objects;
  const [n] = named;
  expect(Object.keys(n!)).toEqual(['id', 'customFields', 'scoreValue', 'bigCount', 'createdAt', 'tags']);
  expect(n).toEqual({
    id: o!.id,
    customFields: o!.custom_fields,
    scoreValue: o!.score_value,
    bigCount: o!.big_count,
    createdAt: o!.created_at,
    tags: o!.tags,
  });
  // The model's types (Decimal, bigint, Date) and JSON keys exactly as stored.
  expect(String(n!.scoreValue)).toBe('12.5');
  expect(n!.bigCount).toBe(7n);
  expect(n!.createdAt).toEqual(new Date('2026-12-07T05:00:00Z'));
  expect(n!.customFields).toEqual({ snake_key: { inner_key: 1 } });
}

describe('rows with model names, through each driver', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await openPglite();
  });
  afterAll(async () => {
    await pglite.close();
  });

  it('PGlite', async () => {
    const result = await pglite.transaction((tx) => bothWays(new PgliteConnection(tx, new StatementCounter())));
    expectSameValues(result);
  });

  const url = process.env.TEST_DATABASE_URL;
  (url ? it : it.skip)('Postgres (TEST_DATABASE_URL), as a named prepared statement', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const connection = new PgConnection(client as pg.PoolClient, new StatementCounter(), new StatementNames());
      expectSameValues(await bothWays(connection));
    } finally {
      await client.end();
    }
  });

  // The SQL layer parses timestamptz with postgres-date 2 (connection.ts); pg's default is
  // version 1: the same instants for what Postgres writes in its ISO DateStyle, in any time zone.
  (url ? it : it.skip)('Postgres: timestamptz as pg parses it by default, in any time zone', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const connection = new PgConnection(client as pg.PoolClient, new StatementCounter(), null);
      const values = `VALUES ('2026-12-07 05:00:00+00'::timestamptz), ('2026-12-07 05:00:00.5+00'),
        ('2026-12-07 05:00:00.123456+00'), ('2026-03-29 01:30:00.000001+00'), ('1999-12-31 23:59:59.999999+00'),
        ('0099-06-01 12:00:00+00'), ('0044-03-15 12:00:00+00 BC'), ('infinity'), ('-infinity'), (NULL)`;
      let compared = 0;
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Paris', 'Pacific/Chatham']) {
        await client.query(`SET TimeZone = '${zone}'`);
        const ours = await connection.query<{ at: unknown }>(`SELECT column1 AS at FROM (${values}) v`, []);
        const pgs = await client.query<{ at: unknown }>(`SELECT column1 AS at FROM (${values}) v`);
        expect(ours.rows).toHaveLength(10);
        expect(ours.rows).toEqual(pgs.rows);
        compared += ours.rows.length;
      }
      expect(compared).toBe(50);
      const [first] = (
        await connection.query<{ at: Date }>(`SELECT '2026-12-07 05:00:00.123456+00'::timestamptz AS at`, [])
      ).rows;
      expect(first!.at.toISOString()).toBe('2026-12-07T05:00:00.123Z');
    } finally {
      await client.end();
    }
  });
});

describe('past the compiled builders', () => {
  it('names rows key by key, with the same answers', () => {
    for (let i = 0; i <= MAX_BUILDERS; i++) withModelNames([{ name: `filler_${i}` }], [[i]]);
    const rows = withModelNames(
      [{ name: 'late_one' }, { name: 'n' }, { name: 'n' }],
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    );
    expect(rows).toEqual([
      { lateOne: 1, n: 3 },
      { lateOne: 4, n: 6 },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['lateOne', 'n']);
    expect(withModelNames([{ name: 'filler_3' }], [[9]])).toEqual([{ filler_3: 9 }]); // a digit after _ stays (modelName)
  });
});
