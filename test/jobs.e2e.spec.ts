import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/config/config.js';
import { embeddedDataPath } from '../src/database/database.service.js';
import { openPglite } from '../src/database/sql-session.js';
import { HousekeepingService } from '../src/jobs/housekeeping.service.js';
import { HousekeepingTasks } from '../src/jobs/housekeeping.tasks.js';
import { type Job, JobQueue } from '../src/jobs/job-queue.js';
import { BACKGROUND, LOCAL_SECRET } from './helpers/app.js';
import { freshDatabase, type TestDatabase, usingPostgres } from './helpers/database.js';
import { addMember, as, twoOrganizations, type User } from './helpers/fixtures.js';
import { createTicket } from './helpers/tickets.js';

// Fast polling, so tests wait for jobs in tenths of a second (pg-boss polls at most every 0.5 s).
const FAST = { ...BACKGROUND, JOBS_POLL_INTERVAL_MS: '100' };
/** The shortest retry delay each runner takes: pg-boss counts whole seconds. */
const DELAY_SECONDS = usingPostgres() ? 1 : 0.2;

/** A queue name no other test uses. */
const queueName = (what: string) => `test_${what}_${randomUUID().slice(0, 8)}`;

async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Not true within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** An app on an existing database (a second instance, or the same one after a restart). */
async function bootOn(db: TestDatabase, dataDir: string, env: Record<string, string> = {}) {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    LOCAL_AUTH_JWT_SECRET: LOCAL_SECRET,
    ...FAST,
    ...(db.url ? { DATABASE_URL: db.url, DATABASE_POOL_SIZE: '4' } : {}),
    ...env,
  });
  const app = await createApp(config, { pglite: db.pglite, bufferLogs: false });
  await app.init();
  return app;
}

const queueOf = (app: NestFastifyApplication) => app.get(JobQueue);

describe('background jobs', () => {
  const { t, a, b } = twoOrganizations(FAST);
  let manager: User;
  let queue: JobQueue;

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    queue = queueOf(t.app);
  });

  it('retries a failing job with backoff until it succeeds, and records no failure', async () => {
    const name = queueName('flaky');
    const attempts: { at: number; retryCount: number }[] = [];
    await queue.work<{ n: number }>(name, async (job) => {
      attempts.push({ at: Date.now(), retryCount: job.retryCount });
      expect(job.data).toEqual({ n: 1 });
      if (attempts.length <= 2) throw new Error(`attempt ${attempts.length} fails`);
    });
    await queue.send(name, { n: 1 }, { organizationId: a.id, retryLimit: 3, retryDelaySeconds: DELAY_SECONDS });

    await eventually(() => attempts.length === 3);
    await sleep(300);
    expect(attempts.map((x) => x.retryCount)).toEqual([0, 1, 2]);
    const [first, second] = [attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at];
    // The delay, then twice the delay (pg-boss adds up to as much again in jitter).
    expect(first).toBeGreaterThanOrEqual(DELAY_SECONDS * 1000 * 0.9);
    expect(second).toBeGreaterThanOrEqual(DELAY_SECONDS * 2000 * 0.9);
    const failures = await t.db.admin.query('SELECT 1 FROM job_failures WHERE queue = $1', [name]);
    expect(failures).toHaveLength(0);
  });

  it('keeps one queued job per singleton key', async () => {
    const name = queueName('singleton');
    const first = await queue.send(name, {}, { singletonKey: 'org-1', startAfter: 60 });
    const second = await queue.send(name, {}, { singletonKey: 'org-1', startAfter: 60 });
    const other = await queue.send(name, {}, { singletonKey: 'org-2', startAfter: 60 });
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
    expect(other).toEqual(expect.any(String));
  });

  describe('the dead letter', () => {
    const name = queueName('doomed');
    let runs = 0;
    let succeed = false;
    let failureId: string;

    beforeAll(async () => {
      await queue.work<{ webhookId: string }>(name, async () => {
        runs++;
        if (!succeed) throw new Error('Receiver answered 503 at https://hook:s3cret@example.test/in');
      });
      await queue.send(name, { webhookId: 'w-1' }, { organizationId: a.id, retryLimit: 1, retryDelaySeconds: 0 });
      const page = await eventually(async () => {
        const res = await t.http.get('/v1/jobs?state=failed').set(as(a.admin, a.id)).expect(200);
        return res.body.data.length ? res.body : undefined;
      });
      failureId = page.data[0].id;
    });

    it("lists a job that ran out of attempts for its organization's ADMIN, message only, without credentials", async () => {
      expect(runs).toBe(2);
      const res = await t.http.get('/v1/jobs').set(as(a.admin, a.id)).expect(200);
      expect(res.body.meta).toEqual({ page: 1, pageSize: 25, total: 1, totalPages: 1 });
      expect(res.body.data).toEqual([
        {
          id: failureId,
          queue: name,
          jobId: expect.any(String),
          data: { webhookId: 'w-1' },
          error: 'Receiver answered 503 at https://***@example.test/in',
          attempts: 2,
          failedAt: expect.any(String),
          retriedAt: null,
          state: 'failed',
        },
      ]);
    });

    it("is not shown to another organization's ADMIN, to a MANAGER, or to an API key", async () => {
      const other = await t.http.get('/v1/jobs?state=failed').set(as(b.admin, b.id)).expect(200);
      expect(other.body.data).toEqual([]);
      await t.http.get('/v1/jobs?state=failed').set(as(manager, a.id)).expect(403);
      const key = await t.http
        .post('/v1/api-keys')
        .set(as(a.admin, a.id))
        .send({ name: 'ops', scopes: ['*:read', 'webhooks:write'] })
        .expect(201);
      const byKey = await t.http
        .get('/v1/jobs')
        .set({ authorization: `Bearer ${key.body.secret}` })
        .expect(403);
      expect(byKey.body.code).toBe('API_KEY_NOT_ALLOWED');
      // Control: the same request as the organization's ADMIN.
      await t.http.get('/v1/jobs?state=failed').set(as(a.admin, a.id)).expect(200);
    });

    it('refuses a state other than failed, in the error shape', async () => {
      const res = await t.http.get('/v1/jobs?state=active').set(as(a.admin, a.id)).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: expect.any(String) });
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'state' })]);
    });

    it("retries it once: 404 for another organization's ADMIN, 403 for a MANAGER, 409 the second time", async () => {
      await t.http.post(`/v1/jobs/${failureId}/retry`).set(as(b.admin, b.id)).expect(404);
      await t.http.post(`/v1/jobs/${failureId}/retry`).set(as(manager, a.id)).expect(403);
      await t.http.post(`/v1/jobs/${randomUUID()}/retry`).set(as(a.admin, a.id)).expect(404);
      await t.http.post('/v1/jobs/not-a-uuid/retry').set(as(a.admin, a.id)).expect(400);

      succeed = true;
      const res = await t.http.post(`/v1/jobs/${failureId}/retry`).set(as(a.admin, a.id)).expect(200);
      expect(res.body).toMatchObject({ id: failureId, retriedAt: expect.any(String) });
      await eventually(() => runs === 3);
      const again = await t.http.post(`/v1/jobs/${failureId}/retry`).set(as(a.admin, a.id)).expect(409);
      expect(again.body.code).toBe('CONFLICT');
    });
  });

  it('fires a schedule once per tick', async () => {
    const name = queueName('tick');
    const runs: Job<unknown>[] = [];
    await queue.work(name, async (job) => {
      runs.push(job);
    });
    await queue.schedule(name, '* * * * *', { what: 'tick' });
    await eventually(() => runs.length >= 1);
    expect(runs[0].data).toEqual({ what: 'tick' });
  });

  it('registers the housekeeping tasks, each of which runs', async () => {
    const housekeeping = t.app.get(HousekeepingService);
    expect(housekeeping.list().map((task) => task.name)).toEqual(
      expect.arrayContaining([
        'housekeeping.idempotency-keys',
        'housekeeping.audit-retention',
        'housekeeping.orphaned-attachments',
      ]),
    );
    for (const task of housekeeping.list()) await expect(task.run()).resolves.toEqual(expect.any(Number));
  });

  it("queues a deleted attachment's object for deletion and deletes it once the grace period is over", async () => {
    const ticket = await createTicket(t.http, a.admin, a.id);
    const path = `${a.id}/${ticket.id}/${randomUUID()}-orphan.txt`;
    await t.db.admin.query(
      `INSERT INTO ticket_attachments (organization_id, ticket_id, file_name, file_size, mime_type, storage_path)
       VALUES ($1, $2, 'orphan.txt', 1, 'text/plain', $3)`,
      [a.id, ticket.id, path],
    );
    await t.db.admin.query('DELETE FROM ticket_attachments WHERE storage_path = $1', [path]);
    const queued = () => t.db.admin.query('SELECT 1 FROM storage_deletions WHERE storage_path = $1', [path]);
    expect(await queued()).toHaveLength(1);
    const tasks = t.app.get(HousekeepingTasks);
    await tasks.deleteOrphanedObjects();
    expect(await queued()).toHaveLength(1); // still within the grace period
    await t.db.admin.query(
      `UPDATE storage_deletions SET queued_at = now() - interval '1 hour' WHERE storage_path = $1`,
      [path],
    );
    await expect(tasks.deleteOrphanedObjects()).resolves.toBeGreaterThanOrEqual(1);
    expect(await queued()).toHaveLength(0);
  });
});

describe('background jobs across restarts and shutdowns', () => {
  let db: TestDatabase;
  const dirs: string[] = [];
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-jobs-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('lets a running job finish on shutdown', async () => {
    const app = await bootOn(db, newDir());
    const name = queueName('slow');
    let started = false;
    let finished = false;
    await queueOf(app).work(name, async () => {
      started = true;
      await sleep(1500);
      finished = true;
    });
    await queueOf(app).send(name, {});
    await eventually(() => started);
    await app.close();
    expect(finished).toBe(true);
  });

  it('releases a job still running when the shutdown timeout is over, so it runs again', async () => {
    const dir = newDir();
    const app = await bootOn(db, dir, { JOBS_SHUTDOWN_TIMEOUT_MS: '1000' });
    const name = queueName('stuck');
    let started = false;
    let ended = false;
    await queueOf(app).work(name, async () => {
      started = true;
      await sleep(4000);
      ended = true;
    });
    const id = await queueOf(app).send(name, {}, { retryDelaySeconds: 0 });
    await eventually(() => started);
    const before = Date.now();
    await app.close();
    expect(Date.now() - before).toBeLessThan(3500);

    const again = await bootOn(db, dir);
    let reran = false;
    await queueOf(again).work(name, async () => {
      reran = true;
    });
    await eventually(() => reran);
    await again.close();
    expect(id).toEqual(expect.any(String));
    // The released job's handler still runs in the closed app: pg-boss looks every second whether
    // its stopped workers are done, and must not look again after this file's environment is
    // torn down (it failed the next file on Postgres with "require after teardown").
    await eventually(() => ended);
    await sleep(1100);
  });

  (usingPostgres() ? it.skip : it)(
    'releases a running singleton job whose key was queued again meanwhile: the queued one runs (embedded runner)',
    async () => {
      const dir = newDir();
      const app = await bootOn(db, dir, { JOBS_SHUTDOWN_TIMEOUT_MS: '1000' });
      const name = queueName('twin');
      const runs: unknown[] = [];
      await queueOf(app).work(name, async (job) => {
        runs.push(job.data);
        await sleep(3000);
      });
      await queueOf(app).send(name, { n: 1 }, { singletonKey: 'org-1' });
      await eventually(() => runs.length === 1);
      // Sent while the first runs: queued, the key's one queued job.
      expect(await queueOf(app).send(name, { n: 2 }, { singletonKey: 'org-1', startAfter: 60 })).toEqual(
        expect.any(String),
      );
      await app.close(); // the first is still running: released, and superseded by the queued one

      const rows = await db.admin.query<{ state: string; data: unknown }>(
        'SELECT state, data FROM embedded_jobs WHERE queue = $1 ORDER BY created_at',
        [name],
      );
      expect(rows.map((r) => [r.state, r.data])).toEqual([
        ['completed', { n: 1 }],
        ['created', { n: 2 }],
      ]);
      const again = await bootOn(db, dir);
      await again.close();
    },
  );

  (usingPostgres() ? it.skip : it)(
    'keeps a queued job across a restart of the app on the same data directory (embedded runner)',
    async () => {
      // A PGlite data directory on disk, as `npm start` uses (DATA_DIR/pglite), already migrated.
      const dataDir = newDir();
      const image = await db.pglite!.dumpDataDir('none');
      await (await openPglite(embeddedDataPath(dataDir), image)).close();
      const restartable = { ...db, pglite: undefined };

      const first = await bootOn(restartable, dataDir, { JOBS_WORKERS: 'false' });
      const name = queueName('durable');
      await queueOf(first).send(name, { keep: true });
      await first.close();

      const second = await bootOn(restartable, dataDir);
      const seen: unknown[] = [];
      await queueOf(second).work(name, async (job) => {
        seen.push(job.data);
      });
      await eventually(() => seen.length === 1);
      await second.close();
      expect(seen).toEqual([{ keep: true }]);
    },
  );

  // PGlite is one process's database: a second instance cannot open the same data directory,
  // so "two instances, one tick" only exists on Postgres.
  (usingPostgres() ? it : it.skip)(
    'fires a scheduled job once per tick with two instances on one database',
    async () => {
      const apps = [await bootOn(db, newDir()), await bootOn(db, newDir())];
      const name = queueName('cron');
      const runs: number[] = [];
      const from = Date.now();
      for (const app of apps) {
        await queueOf(app).work(name, async () => {
          runs.push(Date.now());
        });
        await queueOf(app).schedule(name, '* * * * *');
      }
      await eventually(() => runs.length >= 1, 20_000);
      // Give the other instance several of its cron checks to (wrongly) fire the same tick.
      await sleep(4000);
      for (const app of apps) await app.close();
      // At most one run per minute the test spanned. Not "one run per wall-clock minute": under
      // load a tick's job can run after the next minute began, beside that minute's own job.
      const ticks = Math.floor(Date.now() / 60_000) - Math.floor(from / 60_000) + 1;
      expect(runs.length).toBeLessThanOrEqual(ticks);
    },
  );
});
