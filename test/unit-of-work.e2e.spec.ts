import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mapError } from '../src/common/error-mapper.js';
import { CompiledQuery, sql } from 'kysely';
import type { Sql } from '../src/database/sql.js';
import { MissingTenantContextError, TenantDb } from '../src/database/tenant-db.js';
import type { TenantContext } from '../src/database/tenant-context.js';
import { TransactionTimeoutError } from '../src/database/unit-of-work.js';
import { Prisma } from '../src/generated/prisma/client.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { usingPostgres } from './helpers/database.js';
import { as, createLead, createOrg, type Org } from './helpers/fixtures.js';

/**
 * A unit of work is one transaction on one connection the API checked out itself, reached two
 * ways: the typed SQL layer (db.sql) and Prisma (db.tx), both running on that connection. One
 * pooled connection, so anything left open or leaking would show in the next unit of work.
 */
describe('unit of work: one transaction for the SQL layer and Prisma', () => {
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
    db.sql
      .insertInto('leads')
      .values({ organizationId: org.id, name, createdById: org.admin.id })
      .returning('id')
      .execute();
  const leadExists = (id: string) => db.runTrusted(ctx, async () => (await db.tx.lead.count({ where: { id } })) === 1);

  const preparedHere = () =>
    db.runTrusted(ctx, async () => {
      const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(db.sql);
      return rows.map((r) => r.statement);
    });

  (usingPostgres() ? it : it.skip)(
    'on Postgres, the SQL layer\u2019s statements are prepared once per connection and reused',
    async () => {
      await db.runTrusted(ctx, () => insertLead('Prepared once'));
      await db.runTrusted(ctx, () => insertLead('Prepared once, run twice'));
      await t.http.get('/v1/leads').set(as(org.admin, org.id)).expect(200);
      await t.http.get('/v1/leads').set(as(org.admin, org.id)).expect(200);
      const statements = await preparedHere();
      // One connection (pool of 1): the insert, and the list's page, each prepared once. The
      // opening statement goes with BEGIN in one simple query, so it is never prepared.
      expect(statements.filter((s) => s.includes('insert into "leads"'))).toHaveLength(1);
      expect(statements.filter((s) => s.includes('from "leads"') && s.includes('order by'))).toHaveLength(1);
      expect(statements.filter((s) => s.includes('app.begin_request'))).toHaveLength(0);
    },
  );

  it('one connection, its statements prepared once, serves two organizations in turn: each sees only its own', async () => {
    const ours = await createLead(t.http, org.admin, org.id, { name: 'Prepared path, ours' });
    const theirs = await createLead(t.http, other.admin, other.id, { name: 'Prepared path, theirs' });
    const listed = async (who: Org) =>
      (await t.http.get('/v1/leads?pageSize=100').set(as(who.admin, who.id)).expect(200)).body.data.map(
        (l: { id: string }) => l.id,
      );
    for (let round = 0; round < 3; round++) {
      const [mine, yours] = [await listed(org), await listed(other)];
      expect(mine).toContain(ours.id);
      expect(mine).not.toContain(theirs.id);
      expect(yours).toContain(theirs.id);
      expect(yours).not.toContain(ours.id);
      await t.http.get(`/v1/leads/${theirs.id}`).set(as(org.admin, org.id)).expect(404);
      await t.http.get(`/v1/leads/${theirs.id}`).set(as(other.admin, other.id)).expect(200);
    }
  });

  (usingPostgres() ? it : it.skip)(
    'with DATABASE_PREPARED_STATEMENTS=false nothing is prepared (the setting for a transaction-mode pooler)',
    async () => {
      const unprepared = await bootApp({ DATABASE_POOL_SIZE: '1', DATABASE_PREPARED_STATEMENTS: 'false' });
      try {
        const unpreparedDb = unprepared.app.get(TenantDb);
        const own = await createOrg(unprepared.http, 'Pooled');
        const ownCtx: TenantContext = { userId: own.admin.id, orgId: own.id, role: 'ADMIN' };
        const seen = await unpreparedDb.runTrusted(ownCtx, async () => {
          await unpreparedDb.sql.selectFrom('leads').select('id').limit(1).execute();
          const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_prepared_statements`.execute(
            unpreparedDb.sql,
          );
          return rows[0].n;
        });
        expect(seen).toBe(0);
      } finally {
        await unprepared.close();
      }
    },
  );

  it('refuses both ways in outside a unit of work', () => {
    expect(() => db.sql).toThrow(MissingTenantContextError);
    expect(() => db.tx).toThrow(MissingTenantContextError);
    expect(() => db.execute(CompiledQuery.raw('SELECT 1'))).toThrow(MissingTenantContextError);
  });

  it('the SQL layer and Prisma share the transaction: same txid, each sees the other\u2019s uncommitted write', async () => {
    const seen = await db.runTrusted(ctx, async () => {
      const [{ id }] = await insertLead('Written through the SQL layer');
      const viaPrisma = await db.tx.lead.findFirst({ where: { id } });
      const created = await db.tx.lead.create({ data: { organizationId: org.id, name: 'Written through Prisma' } });
      const viaSql = await db.sql.selectFrom('leads').select('name').where('id', '=', created.id).executeTakeFirst();
      const { rows } = await sql<{ txid: string }>`SELECT txid_current()::text AS txid`.execute(db.sql);
      const [prismaTx] = await db.tx.$queryRaw<{ txid: string }[]>`SELECT txid_current()::text AS txid`;
      return { id, createdId: created.id, viaPrisma: viaPrisma?.name, viaSql: viaSql?.name, sqlTx: rows[0], prismaTx };
    });
    expect(seen.viaPrisma).toBe('Written through the SQL layer');
    expect(seen.viaSql).toBe('Written through Prisma');
    expect(seen.sqlTx.txid).toBe(seen.prismaTx.txid);
    // Committed: both rows are there afterwards.
    expect(await leadExists(seen.id)).toBe(true);
    expect(await leadExists(seen.createdId)).toBe(true);
  });

  it('a failure rolls back what both wrote (and the committed control above stays)', async () => {
    const ids: string[] = [];
    await expect(
      db.runTrusted(ctx, async () => {
        ids.push((await insertLead('Rolled back, SQL layer'))[0].id);
        ids.push((await db.tx.lead.create({ data: { organizationId: org.id, name: 'Rolled back, Prisma' } })).id);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(await leadExists(id)).toBe(false);
  });

  it('rows of the SQL layer decode as the Prisma model declares them: the same record reads the same both ways', async () => {
    const both = await db.runTrusted(ctx, async () => {
      const deal = await db.tx.deal.create({
        data: {
          organizationId: org.id,
          title: 'Decoded alike',
          value: '1250000.50',
          expectedCloseDate: new Date('2027-03-31T00:00:00.000Z'),
          // Keys inside JSON are the client's: never renamed on the way out (commission_pct stays).
          customFields: { a: [1, 2], commission_pct: 2.5, nested_obj: { split_with: 'co-op' } },
          tags: ['x', 'y'],
        },
      });
      const viaSql = await db.sql.selectFrom('deals').selectAll().where('id', '=', deal.id).executeTakeFirstOrThrow();
      const listing = await db.tx.listing.create({
        data: {
          organizationId: org.id,
          title: 'Big',
          address: 'a',
          city: 'c',
          state: 's',
          zipCode: 'z',
          price: '9999999999.99', // numeric(12, 2)'s largest: cents past 2^32
        },
      });
      const listingViaSql = await db.sql
        .selectFrom('listings')
        .select(['priceCents', 'price'])
        .where('id', '=', listing.id)
        .executeTakeFirstOrThrow();
      return { deal, viaSql, listing, listingViaSql };
    });
    // Decimal, Date (a calendar date as UTC midnight), JSON, arrays: equal to what Prisma returned.
    expect(both.viaSql).toEqual(both.deal);
    expect(both.viaSql.customFields).toEqual({ a: [1, 2], commission_pct: 2.5, nested_obj: { split_with: 'co-op' } });
    expect(Prisma.Decimal.isDecimal(both.viaSql.value)).toBe(true);
    expect(both.viaSql.expectedCloseDate).toEqual(new Date('2027-03-31T00:00:00.000Z'));
    // int8 as bigint.
    expect(both.listingViaSql).toEqual({ priceCents: both.listing.priceCents, price: both.listing.price });
    expect(typeof both.listingViaSql.priceCents).toBe('bigint');
  });

  it('a Prisma transaction inside a unit of work is a savepoint: its failure undoes only its own writes', async () => {
    const [kept, undone] = await db.runTrusted(ctx, async () => {
      const [{ id: outer }] = await insertLead('Outer write, kept');
      let inner: string | undefined;
      await db.tx
        .$transaction(async (tx) => {
          inner = (await tx.lead.create({ data: { organizationId: org.id, name: 'Inner write, undone' } })).id;
          throw new Error('inner failure');
        })
        .catch(() => undefined);
      return [outer, inner!];
    });
    expect(await leadExists(kept)).toBe(true);
    expect(await leadExists(undone)).toBe(false);
  });

  it('a database error from the SQL layer maps to the documented error, not a 500 (a valid write is the control)', async () => {
    await expect(db.runTrusted(ctx, () => insertLead('Fine'))).resolves.toHaveLength(1);
    const error = await db.runTrusted(ctx, () => insertLead('   ')).catch((e: unknown) => e);
    expect(mapError(error)).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });

  it('the SQL layer runs under RLS: another organization\u2019s lead is invisible to it, its own is not', async () => {
    const theirs = await createLead(t.http, other.admin, other.id);
    const ours = await createLead(t.http, org.admin, org.id);
    const found = await db.runTrusted(ctx, async () => {
      const rows = await db.sql.selectFrom('leads').select('id').where('id', 'in', [theirs.id, ours.id]).execute();
      return rows.map((r) => r.id);
    });
    expect(found).toEqual([ours.id]);
  });

  it('execute runs a builder on the unit of work, under RLS, with the model\u2019s names: another organization\u2019s lead is invisible, its own is not', async () => {
    const theirs = await createLead(t.http, other.admin, other.id);
    const ours = await createLead(t.http, org.admin, org.id, { name: 'Run by execute' });
    const found = await db.runTrusted(ctx, async () => {
      const { rows } = await db.execute(
        db.sql.selectFrom('leads').select(['id', 'createdById']).where('id', 'in', [theirs.id, ours.id]),
      );
      return rows;
    });
    expect(found).toEqual([{ id: ours.id, createdById: org.admin.id }]);
  });

  it('the SQL layer kept past its unit of work refuses statements', async () => {
    let kept: Sql | undefined;
    await db.runTrusted(ctx, async () => {
      kept = db.sql;
    });
    await expect(kept!.selectFrom('leads').select('id').execute()).rejects.toThrow('outside a unit of work');
  });

  it('a timeout that surfaces through a Prisma call is 503 too, not 500 (the SQL layer is the control below)', async () => {
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
