// `node bench/imports.mjs` (or `npm run bench:imports`): a 100,000-row CSV import of leads.
// See docs/imports.md ("Throughput") for the figure and how to read it.
//
// 1. builds the API (unless BENCH_SKIP_BUILD=1), recreates and migrates `crm_bench_imports`;
// 2. writes a CSV of BENCH_ROWS leads (default 100,000; a tenth of them repeat an earlier
//    row's email, so the duplicate lookup works) to a temporary file;
// 3. starts the API (production mode, Postgres, the job runner in the same process), signs up,
//    creates an organization, uploads the CSV (multipart, streamed) and starts the import;
// 4. polls its progress until it ends, sampling the API process's RSS every 100 ms;
// 5. prints rows/s (from start to completion), the counts, and the API's RSS before and at peak;
//    exit 1 when the import does not complete with every row accounted for.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, openAsBlob, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '..');
const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const cfg = {
  serverUrl: process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres',
  database: process.env.BENCH_IMPORTS_DATABASE_NAME || 'crm_bench_imports',
  rows: num('BENCH_ROWS', 100_000),
  batchSize: num('BENCH_BATCH_SIZE', 500),
  poolSize: num('BENCH_POOL_SIZE', 10),
  timeout: num('BENCH_TIMEOUT', 900),
  build: process.env.BENCH_SKIP_BUILD !== '1',
};
const dbUrl = (() => {
  const u = new URL(cfg.serverUrl);
  u.pathname = `/${cfg.database}`;
  return u.toString();
})();
const log = (msg) => process.stderr.write(`[bench:imports] ${msg}\n`);

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase() {
  await withClient(cfg.serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${cfg.database}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${cfg.database}"`);
  });
  const { migrate } = await import('../dist/database/migrator.js');
  const { pgSession } = await import('../dist/database/sql-session.js');
  const session = await pgSession(dbUrl);
  try {
    await migrate(session);
  } finally {
    await session.close();
  }
}

async function freePort() {
  return new Promise((r, reject) => {
    const srv = createNetServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => r(port));
    });
    srv.on('error', reject);
  });
}

async function startApi() {
  const port = await freePort();
  const child = spawn(process.execPath, ['--max-old-space-size=256', 'dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: String(cfg.poolSize),
      MIGRATE_ON_BOOT: 'false',
      LOCAL_AUTH_JWT_SECRET: 'bench-local-secret-0123456789-abcdefghijklmnop',
      DATA_SOURCE_ENCRYPTION_KEY: 'ZGV2LW9ubHktZGF0YS1zb3VyY2Uta2V5LTMyYnl0ZXM=',
      SUPABASE_JWT_SECRET: '',
      SUPABASE_URL: '',
      RATE_LIMIT_PER_MINUTE: '1000000',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      IMPORT_BATCH_SIZE: String(cfg.batchSize),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d) => (output = (output + d).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`API exited during startup:\n${output}`);
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, base, output: () => output };
  }
  throw new Error(`API not ready after 90 s:\n${output}`);
}

async function call(base, method, path, token, body, orgId) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
      ...(orgId && { 'x-organization-id': orgId }),
    },
    body: body && JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The API process's resident set size in MiB (Linux /proc). */
function rssMiB(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/** BENCH_ROWS leads; every tenth row repeats the email of the row nine before it (a duplicate: skipped). */
async function writeCsv(file) {
  const out = createWriteStream(file);
  const write = (line) => (out.write(line) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  await write('Full Name,E-mail,Phone,Company,Tags,Notes\r\n');
  for (let i = 1; i <= cfg.rows; i++) {
    const n = i % 10 === 0 ? i - 9 : i;
    await write(
      // A phone of its own per row (a shared one would make the row a duplicate too).
      `Bench Lead ${i},lead-${n}@bench.example,+1 415 ${String(i).padStart(7, '0')},"Acme, Inc.",buyer;csv,"Row ${i} of the bench"\r\n`,
    );
  }
  await new Promise((r) => out.end(r));
}

async function main() {
  if (cfg.build) {
    log('building');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  log(`recreating ${cfg.database}`);
  await freshDatabase();
  const file = join(tmpdir(), `bench-imports-${process.pid}.csv`);
  log(`writing ${cfg.rows} rows to ${file}`);
  await writeCsv(file);
  const api = await startApi();
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(api.child.pid) || 0);
  }, 100);
  try {
    const signup = await call(api.base, 'POST', '/v1/auth/signup', null, {
      email: `bench-${Date.now()}@example.test`,
      password: 'Harbor-lights-2026',
      fullName: 'Bench Admin',
    });
    const token = signup.accessToken;
    const org = await call(api.base, 'POST', '/v1/organizations', token, { name: 'Import bench' });
    const rssBefore = rssMiB(api.child.pid);
    peak = rssBefore;
    const form = new globalThis.FormData();
    form.append('target', 'leads');
    form.append(
      'mapping',
      JSON.stringify({
        'Full Name': 'name',
        'E-mail': 'email',
        Phone: 'phone',
        Company: 'company',
        Tags: 'tags',
        Notes: 'notes',
      }),
    );
    form.append('duplicatePolicy', 'skip');
    form.append('file', await openAsBlob(file, { type: 'text/csv' }), 'bench.csv');
    const uploadStarted = performance.now();
    const res = await fetch(`${api.base}/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-organization-id': org.id },
      body: form,
    });
    const created = await res.json();
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(created)}`);
    const uploadMs = Math.round(performance.now() - uploadStarted);
    log(`uploaded in ${uploadMs} ms; starting`);
    await call(api.base, 'POST', `/v1/imports/${created.id}/start`, token, {}, org.id);
    const started = performance.now();
    let job;
    for (const deadline = started + cfg.timeout * 1000; performance.now() < deadline; await sleep(500)) {
      job = await call(api.base, 'GET', `/v1/imports/${created.id}`, token, undefined, org.id);
      if (['completed', 'failed', 'cancelled'].includes(job.status)) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const p = job.progress;
    const result = {
      status: job.status,
      rows: cfg.rows,
      rowsRead: p.rowsRead,
      created: p.created,
      skipped: p.skipped,
      failed: p.failed,
      seconds: Number(seconds.toFixed(1)),
      rowsPerSecond: Math.round(p.rowsRead / seconds),
      uploadMs,
      apiRssBeforeMiB: rssBefore,
      apiRssPeakMiB: peak,
      batchSize: cfg.batchSize,
      loadAverage: loadavg()[0],
      cpus: cpus().length,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (job.status !== 'completed' || p.rowsRead !== cfg.rows || p.created + p.skipped + p.failed !== cfg.rows) {
      log('FAILED: the import did not complete with every row accounted for');
      process.exitCode = 1;
    }
  } finally {
    clearInterval(sampler);
    rmSync(file, { force: true });
    api.child.kill('SIGTERM');
    await new Promise((r) => api.child.once('exit', r));
  }
}

await main();
