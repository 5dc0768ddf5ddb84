import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

interface PrismaModel {
  table: string;
  columns: Map<string, { type: string; optional: boolean; list: boolean }>;
}

const SCALARS = new Set(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes']);

/** Just enough of schema.prisma: models (with @@map/@map), scalar and enum fields, enums. */
function parseSchema(text: string) {
  const enums = new Map<string, string[]>();
  for (const [, name, body] of text.matchAll(/^enum (\w+) \{([^}]*)\}/gm)) {
    enums.set(
      name,
      body
        .split('\n')
        .map((l) => l.replace(/\/\/.*/, '').trim())
        .filter(Boolean),
    );
  }
  const models: PrismaModel[] = [];
  for (const [, name, body] of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const table = /@@map\("(\w+)"\)/.exec(body)?.[1] ?? name;
    const columns = new Map<string, { type: string; optional: boolean; list: boolean }>();
    for (const line of body.split('\n').map((l) => l.replace(/\/\/.*/, '').trim())) {
      const m = /^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!m || line.startsWith('@@')) continue;
      const [, field, type, list, optional, attrs] = m;
      if (!SCALARS.has(type) && !enums.has(type)) continue; // a relation
      const column = /@map\("(\w+)"\)/.exec(attrs)?.[1] ?? field;
      columns.set(column, { type, optional: Boolean(optional), list: Boolean(list) });
    }
    models.push({ table, columns });
  }
  return { enums, models };
}

const PG_TYPES: Record<string, string[]> = {
  String: ['text', 'character varying', 'uuid', 'citext'],
  Int: ['integer'],
  BigInt: ['bigint'],
  Float: ['double precision'],
  Decimal: ['numeric'],
  Boolean: ['boolean'],
  DateTime: ['timestamp with time zone', 'timestamp without time zone', 'date'],
  Json: ['jsonb', 'json'],
  Bytes: ['bytea'],
};

describe('schema.prisma agrees with the migrated database', () => {
  let db: TestDatabase;
  const schema = parseSchema(readFileSync('prisma/schema.prisma', 'utf8'));

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(() => db.drop());

  it('has every enum with the same values in the same order', async () => {
    const rows = await db.admin.query<{ name: string; label: string }>(`
      SELECT t.typname AS name, e.enumlabel AS label FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`);
    const inDb = new Map<string, string[]>();
    for (const r of rows) inDb.set(r.name, [...(inDb.get(r.name) ?? []), r.label]);
    expect(Object.fromEntries(inDb)).toEqual(Object.fromEntries(schema.enums));
  });

  it.each(schema.models.map((m) => [m.table, m] as const))('table %s matches its model', async (table, model) => {
    const rows = await db.admin.query<{
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: string;
    }>(
      `SELECT column_name, data_type, udt_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = $1`,
      [table],
    );
    expect(rows.length).toBeGreaterThan(0);
    const inDb = new Map(rows.map((r) => [r.column_name, r]));
    // Every model field exists with a compatible type and nullability...
    for (const [column, field] of model.columns) {
      const col = inDb.get(column);
      expect({ column, exists: Boolean(col) }).toEqual({ column, exists: true });
      const actual = field.list
        ? col!.udt_name.replace(/^_/, '')
        : col!.data_type === 'USER-DEFINED'
          ? col!.udt_name
          : col!.data_type;
      const allowed = field.list ? ['text'] : schema.enums.has(field.type) ? [field.type] : PG_TYPES[field.type];
      expect({ column, type: actual, ok: allowed.includes(actual) }).toMatchObject({ column, ok: true });
      expect({ column, nullable: col!.is_nullable === 'YES' }).toEqual({ column, nullable: field.optional });
    }
    // ...and the table has no column the client does not know about.
    expect([...inDb.keys()].filter((c) => !model.columns.has(c))).toEqual([]);
  });
});
