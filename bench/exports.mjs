// `npm run bench:exports`: GET /v1/exports/leads.csv over BENCH_EXPORT_ROWS leads (default
// 1,000,000), on Postgres (BENCH_DATABASE_URL, default the local server), issue 17 part 5.
//
// Starts the built API (production mode, --max-old-space-size=256) on a fresh database, seeds
// the leads of one organization in one INSERT … SELECT generate_series (as the owner, with
// triggers off: the audit and events triggers are not what is measured), then streams the
// export and samples the API's RSS every 100 ms. Prints rows, seconds, MB/s, rows/s and the
// API's RSS before and at its peak. Exit 1 when the export is short of a row.
import { execFileSync, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '..');
const cfg = {
  serverUrl: process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres',
  database: 'crm_bench_exports',
  rows: process.env.BENCH_EXPORT_ROWS ? Number(process.env.BENCH_EXPORT_ROWS) : 1_000_000,
  build: process.env.BENCH_SKIP_BUILD !== '1',
};
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
const dbUrl = (() => {
  const u = new URL(cfg.serverUrl);
  u.pathname = `/${cfg.database}`;
  return u.toString();
})();

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) / 1024;
}

async function api(base, method, path, token, body, orgId) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
      ...(orgId && { 'x-organization-id': orgId }),
    },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Streams the export, counting bytes and records (CRLF; the seeded fields hold none). */
function download(url, token, orgId) {
  return new Promise((ok, fail) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}`, 'x-organization-id': orgId } }, (res) => {
      if (res.statusCode !== 200) return fail(new Error(`export answered ${res.statusCode}`));
      let bytes = 0;
      let records = 0;
      let firstByteAt;
      res.on('data', (chunk) => {
        firstByteAt ??= performance.now();
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) records++;
      });
      res.on('end', () => ok({ bytes, records, firstByteAt }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

async function main() {
  if (cfg.build) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const admin = new pg.Client({ connectionString: cfg.serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${cfg.database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${cfg.database}`);
  await admin.end();
  execFileSync(process.execPath, ['dist/database/migrate.cli.js'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--max-old-space-size=256', 'dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: '10',
      LOCAL_AUTH_JWT_SECRET: 'bench-local-secret-0123456789-abcdefghijklmnop',
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      if (i > 300) throw new Error('API not ready');
      if (
        await fetch(`${base}/health/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(200);
    }
    const owner = await api(base, 'POST', '/v1/auth/signup', null, {
      email: `export-${Date.now()}@bench.test`,
      password: 'bench-password-123',
      fullName: 'Export Bench',
    });
    const org = await api(base, 'POST', '/v1/organizations', owner.accessToken, { name: 'Exports' });

    const seedStart = performance.now();
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    await db.query('SET session_replication_role = replica');
    await db.query(
      `INSERT INTO leads (organization_id, name, email, phone, company, source, status, budget, tags, created_by_id, created_at)
       SELECT $1, 'Lead ' || g, 'lead' || g || '@example.test', '+1 415 555 ' || lpad((g % 10000)::text, 4, '0'),
              'Company ' || (g % 5000), 'WEBSITE', 'NEW_LEAD', (g % 900 + 100) * 1000, ARRAY['bench'], $2,
              now() - g * interval '1 second'
         FROM generate_series(1, $3::int) g`,
      [org.id, owner.user.id, cfg.rows],
    );
    await db.query('ANALYZE leads');
    await db.end();
    log(`seeded ${cfg.rows} leads in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    await sleep(1000);
    const rssBefore = rssMb(child.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(child.pid))), 100);
    const start = performance.now();
    const got = await download(`${base}/v1/exports/leads.csv`, owner.accessToken, org.id);
    const seconds = (performance.now() - start) / 1000;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssMb(child.pid));
    const rows = got.records - 1; // the header
    const result = {
      rows,
      bytes: got.bytes,
      seconds: Number(seconds.toFixed(2)),
      firstByteMs: Math.round(got.firstByteAt - start),
      mbPerSecond: Number((got.bytes / 1024 / 1024 / seconds).toFixed(1)),
      rowsPerSecond: Math.round(rows / seconds),
      rssMb: { before: Math.round(rssBefore), peak: Math.round(rssPeak) },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (rows !== cfg.rows) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});
