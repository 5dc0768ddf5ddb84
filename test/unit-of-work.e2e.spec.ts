import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mapError } from '../src/common/error-mapper.js';
import { TransactionTimeoutError, type SqlLane } from '../src/database/sql-lane.js';
import { MissingTenantContextError, TenantDb } from '../src/database/tenant-db.js';
import type { TenantContext } from '../src/database/tenant-context.js';
import { Prisma } from '../src/generated/prisma/client.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { as, createLead, createOrg, type Org } from './helpers/fixtures.js';

/**
 * A unit of work is one transaction on one connection, reached two ways: the SQL lane
 * (db.sql) and Prisma (db.tx, opened on first use on that same connection). One pooled
 * connection, so anything left open or leaking would show in the next unit of work.
 */
describe('unit of work: one transaction for the SQL lane and Prisma', () => {
  let t: TestApp;
  let db: TenantDb;
  let org: Org;
  let other: Org;
  let ctx: TenantContext;

  beforeAll(async () => {
    t = await bootApp({ DATABASE_POOL_SIZE: '1', DATABASE_TX_TIMEOUT_MS: '2000' });
    db = t.app.get(TenantDb);
    org = await createOrg(t.http, 'Lane');
    other = await createOrg(t.http, 'Other');
    ctx = { userId: org.admin.id, orgId: org.id, role: 'ADMIN' };
  });
  afterAll(() => t.close());

  const insertLead = (name: string) =>
    db.sql.query<{ id: string }>(Prisma.sql`
      INSERT INTO leads (organization_id, name, created_by_id)
      VALUES (${org.id}::uuid, ${name}::text, ${org.admin.id}::uuid) RETURNING id`);
  const leadExists = (id: string) => db.runTrusted(ctx, async () => (await db.tx.lead.count({ where: { id } })) === 1);

  it('refuses both ways in outside a unit of work', () => {
    expect(() => db.sql).toThrow(MissingTenantContextError);
    expect(() => db.tx).toThrow(MissingTenantContextError);
  });

  it('the lane and Prisma share the transaction: same txid, each sees the other\u2019s uncommitted write', async () => {
    const seen = await db.runTrusted(ctx, async () => {
      const [{ id }] = await insertLead('Written through the lane');
      const viaPrisma = await db.tx.lead.findFirst({ where: { id } });
      const created = await db.tx.lead.create({ data: { organizationId: org.id, name: 'Written through Prisma' } });
      const [viaLane] = await db.sql.query<{ name: string }>(
        Prisma.sql`SELECT name FROM leads WHERE id = ${created.id}::uuid`,
      );
      const [laneTx] = await db.sql.query<{ txid: string }>(Prisma.sql`SELECT txid_current()::text AS txid`);
      const [prismaTx] = await db.tx.$queryRaw<{ txid: string }[]>`SELECT txid_current()::text AS txid`;
      return { id, createdId: created.id, viaPrisma: viaPrisma?.name, viaLane: viaLane?.name, laneTx, prismaTx };
    });
    expect(seen.viaPrisma).toBe('Written through the lane');
    expect(seen.viaLane).toBe('Written through Prisma');
    expect(seen.laneTx.txid).toBe(seen.prismaTx.txid);
    // Committed: both rows are there afterwards.
    expect(await leadExists(seen.id)).toBe(true);
    expect(await leadExists(seen.createdId)).toBe(true);
  });

  it('a failure rolls back what both wrote (and the committed control above stays)', async () => {
    const ids: string[] = [];
    await expect(
      db.runTrusted(ctx, async () => {
        ids.push((await insertLead('Rolled back, lane'))[0].id);
        ids.push((await db.tx.lead.create({ data: { organizationId: org.id, name: 'Rolled back, Prisma' } })).id);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(await leadExists(id)).toBe(false);
  });

  it('on Postgres the lane talks to pg directly, on PGlite through the adapter; both decode alike', async () => {
    const row = await db.runTrusted(ctx, async () => {
      expect(db.sql.direct).toBe(Boolean(process.env.TEST_DATABASE_URL));
      const [r] = await db.sql.query<Record<string, unknown>>(Prisma.sql`
        SELECT '2026-01-02 03:04:05.678+00'::timestamptz AS tstz, '2026-01-02 03:04:05.678'::timestamp AS ts,
               '2026-01-02'::date AS d, 12.50::numeric(12,2) AS num, 9007199254740993::int8 AS big,
               '{"a":[1,2]}'::jsonb AS js, ARRAY['x','y'] AS arr, 7 AS i, true AS b, NULL::text AS nothing`);
      return r;
    });
    expect(row.tstz).toEqual(new Date('2026-01-02T03:04:05.678Z'));
    expect(row.ts).toEqual(new Date('2026-01-02T03:04:05.678Z'));
    expect(row.d).toBe('2026-01-02');
    expect(Prisma.Decimal.isDecimal(row.num) && (row.num as Prisma.Decimal).toFixed(2)).toBe('12.50');
    expect(row.big).toBe(9007199254740993n);
    expect(row).toMatchObject({ js: { a: [1, 2] }, arr: ['x', 'y'], i: 7, b: true, nothing: null });
  });

  it('a database error from the lane maps to the documented error, not a 500 (a valid write is the control)', async () => {
    await expect(db.runTrusted(ctx, () => insertLead('Fine'))).resolves.toHaveLength(1);
    const error = await db.runTrusted(ctx, () => insertLead('   ')).catch((e: unknown) => e);
    expect(mapError(error)).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });

  it('the lane runs under RLS: another organization\u2019s lead is invisible to it, its own is not', async () => {
    const theirs = await createLead(t.http, other.admin, other.id);
    const ours = await createLead(t.http, org.admin, org.id);
    const found = await db.runTrusted(ctx, async () => {
      const ids = [theirs.id, ours.id];
      const rows = await db.sql.query<{ id: string }>(Prisma.sql`SELECT id FROM leads WHERE id = ANY(${ids}::uuid[])`);
      return rows.map((r) => r.id);
    });
    expect(found).toEqual([ours.id]);
  });

  it('a lane kept past its unit of work refuses statements', async () => {
    let kept: SqlLane | undefined;
    await db.runTrusted(ctx, async () => {
      kept = db.sql;
    });
    await expect(kept!.query(Prisma.sql`SELECT 1`)).rejects.toThrow('after its unit of work ended');
  });

  it('a timeout that surfaces through a Prisma call is 503 too, not 500 (the lane path is the control above)', async () => {
    const error = await db
      .runTrusted(ctx, async () => {
        await db.tx.lead.count();
        await new Promise((r) => setTimeout(r, 2600));
        await db.tx.lead.count();
      })
      .catch((e: unknown) => e);
    expect(mapError(error)).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
  });

  it('a unit of work that times out without another statement still fails: its writes were rolled back', async () => {
    let id: string | undefined;
    const error = await db
      .runTrusted(ctx, async () => {
        id = (await insertLead('Slow, then silent'))[0].id;
        await new Promise((r) => setTimeout(r, 2600));
        return 'looked fine';
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionTimeoutError);
    expect(await leadExists(id!)).toBe(false);
    // Control: a quick unit of work commits.
    const [{ id: quick }] = await db.runTrusted(ctx, () => insertLead('Quick'));
    expect(await leadExists(quick)).toBe(true);
  });

  it('a unit of work past DATABASE_TX_TIMEOUT_MS is rolled back, its connection freed, and the request gets 503', async () => {
    let id: string | undefined;
    const error = await db
      .runTrusted(ctx, async () => {
        id = (await insertLead('Too slow'))[0].id;
        await new Promise((r) => setTimeout(r, 2600));
        await insertLead('After the timeout');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionTimeoutError);
    expect(mapError(error)).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(await leadExists(id!)).toBe(false);
    // The single pooled connection went back: HTTP works, settings reset.
    await t.http.get('/v1/leads').set(as(org.admin)).expect(200);
  });
});
