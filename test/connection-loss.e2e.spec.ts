// Issue 12, defect 4: a database connection lost mid-request answers 503 DATABASE_UNAVAILABLE
// with Retry-After — never a 500 — and leaves nothing half-written: every create that was
// answered 201 exists once, and a retry with the same Idempotency-Key never doubles one.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootApp, type TestApp } from './helpers/app.js';
import { usingPostgres } from './helpers/database.js';
import { as, createOrg, type Org } from './helpers/fixtures.js';

const CREATES = 400;
const CONCURRENCY = 40;

describe('a database connection lost mid-request', () => {
  let t: TestApp;
  let a: Org;

  beforeAll(async () => {
    // A short transaction timeout keeps an orphaned key claim short (timeout + 30 s), for the retries below.
    t = await bootApp({ DATABASE_POOL_SIZE: '8', DATABASE_TX_TIMEOUT_MS: '3000' });
    a = await createOrg(t.http, 'A');
  });
  afterAll(() => t.close());

  const create = (tag: string, i: number, key: string) =>
    t.http
      .post('/v1/leads')
      .set(as(a.admin))
      .set('idempotency-key', key)
      .send({ name: `${tag} ${i}`, email: `${tag}-${i}@example.test`, tags: [tag] });

  type Result = { status: number; body: any; headers: any };

  /** Runs the creates, CONCURRENCY at a time; returns each one's response. */
  async function storm(tag: string, keys: string[]): Promise<Result[]> {
    const results: Result[] = new Array(keys.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < keys.length; i = next++) results[i] = await create(tag, i, keys[i]);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return results;
  }

  function expectOnly201or503(results: Result[]): void {
    for (const status of new Set(results.map((r) => r.status))) expect([201, 503]).toContain(status);
    for (const r of results.filter((x) => x.status === 503)) {
      expect(r.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(results.some((r) => r.status === 503)).toBe(true);
  }

  it('answers 503, never 500, and leaves nothing half-written or doubled', async () => {
    const tag = `storm${randomUUID().slice(0, 8)}`;
    if (!usingPostgres()) {
      // The embedded database has no connections to lose: it goes away as a whole.
      const keys = Array.from({ length: 100 }, () => randomUUID());
      const closing = new Promise((resolve) => setTimeout(resolve, 100)).then(() => t.db.pglite!.close());
      const results = await storm(tag, keys);
      await closing;
      expectOnly201or503(results);
      // t.close() closes it again: give it a database to close.
      t.db.drop = () => Promise.resolve();
      return;
    }
    // Postgres: terminate the API's backends again and again while 400 creates run.
    const keys = Array.from({ length: CREATES }, () => randomUUID());
    const killer = await t.db.openSession();
    // The test's own admin session stays: only the API's connections are cut.
    const [{ pid: adminPid }] = await t.db.admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    let stop = false;
    let killed = 0;
    const chaos = (async () => {
      while (!stop) {
        const rows = await killer.query<{ killed: boolean }>(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
           WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), $1) AND backend_type = 'client backend'`,
          [adminPid],
        );
        killed += rows.filter((r) => r.killed).length;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const results = await storm(tag, keys);
    stop = true;
    await chaos;
    await killer.close();
    expect(killed).toBeGreaterThan(0);
    expectOnly201or503(results);

    // Every 503 is retried with its key until it succeeds: replayed if it had committed, created otherwise.
    // A key whose failed request could not give it back (the database was gone then too) answers 409
    // IDEMPOTENCY_KEY_IN_USE with Retry-After until its claim lapses: wait as told, then retry.
    for (let attempt = 0; attempt < 10; attempt++) {
      const pending = results.flatMap((r, i) => (r.status === 201 ? [] : [i]));
      if (!pending.length) break;
      const waits = pending.map((i) => (results[i].status === 409 ? Number(results[i].headers['retry-after']) : 0));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, ...waits) * 1000));
      for (const i of pending) results[i] = await create(tag, i, keys[i]);
    }
    expect(results.filter((r) => r.status !== 201)).toEqual([]);
    const ids = new Set(results.map((r) => r.body.id as string));
    expect(ids.size).toBe(CREATES);
    const rows = await t.db.admin.query<{ id: string }>('SELECT id FROM leads WHERE $1 = ANY(tags)', [tag]);
    expect(rows).toHaveLength(CREATES);
    expect(new Set(rows.map((r) => r.id))).toEqual(ids);
  }, 150_000);
});
