// `node bench/webhooks.mjs` (or `npm run bench -- --webhooks`): webhook delivery throughput.
// See docs/webhooks.md ("Throughput") for the figure and how to read it.
//
// 1. builds the API (unless BENCH_SKIP_BUILD=1), recreates and migrates `crm_bench_webhooks`;
// 2. starts a receiver on 127.0.0.1 that verifies every request's signature with the
//    `standardwebhooks` package (as a customer's endpoint would) and answers 204;
// 3. starts the API (production mode, WEBHOOK_ALLOW_PRIVATE_TARGETS=true so it may reach
//    127.0.0.1), signs up, creates an organization and BENCH_WEBHOOKS webhooks to the receiver;
// 4. commits BENCH_EVENTS leads in one transaction (one outbox event each: BENCH_EVENTS ×
//    BENCH_WEBHOOKS deliveries), then waits until the receiver has verified every one;
// 5. prints deliveries/s (first to last received) and the end-to-end time from the commit;
//    exit 1 on a bad signature, a duplicate or a delivery missing after BENCH_TIMEOUT seconds.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';

const ROOT = resolve(import.meta.dirname, '..');
const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const cfg = {
  serverUrl: process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres',
  database: process.env.BENCH_WEBHOOKS_DATABASE_NAME || 'crm_bench_webhooks',
  events: num('BENCH_EVENTS', 2000),
  webhooks: num('BENCH_WEBHOOKS', 1),
  concurrency: num('BENCH_DELIVERY_CONCURRENCY', 64),
  poolSize: num('BENCH_POOL_SIZE', 10),
  timeout: num('BENCH_TIMEOUT', 120),
  build: process.env.BENCH_SKIP_BUILD !== '1',
};
const dbUrl = (() => {
  const u = new URL(cfg.serverUrl);
  u.pathname = `/${cfg.database}`;
  return u.toString();
})();
const log = (msg) => process.stderr.write(`[bench:webhooks] ${msg}\n`);

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

/** The receiver: verifies each signature, counts each webhook-id once. */
async function startReceiver(secrets) {
  const verifiers = secrets.map((s) => new Webhook(s));
  const seen = new Set();
  const stats = { verified: 0, bad: 0, duplicates: 0, first: 0, last: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ok = verifiers.some((v) => {
        try {
          v.verify(body, req.headers);
          return true;
        } catch {
          return false;
        }
      });
      const id = req.headers['webhook-id'];
      if (!ok) stats.bad++;
      else if (seen.has(id)) stats.duplicates++;
      else {
        seen.add(id);
        stats.verified++;
        stats.last = performance.now();
        stats.first ||= stats.last;
      }
      res.writeHead(ok ? 204 : 400).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, stats, url: `http://127.0.0.1:${server.address().port}/hook` };
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
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_DELIVERY_CONCURRENCY: String(cfg.concurrency),
      WEBHOOK_DISPATCH_INTERVAL_MS: '200',
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

/** CPU seconds a process has used (Linux /proc), to tell the API's cost from a busy machine's. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
  } catch {
    return NaN;
  }
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

async function main() {
  if (cfg.build) {
    log('building');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  log(`recreating ${cfg.database}`);
  await freshDatabase();
  const api = await startApi();
  let receiver;
  try {
    const signup = await call(api.base, 'POST', '/v1/auth/signup', null, {
      email: `bench-${Date.now()}@example.test`,
      password: 'Harbor-lights-2026',
      fullName: 'Bench Admin',
    });
    const token = signup.accessToken;
    const org = await call(api.base, 'POST', '/v1/organizations', token, { name: 'Webhook bench' });
    // The receiver must know the secrets before the first delivery: a placeholder URL first.
    const hooks = [];
    for (let i = 0; i < cfg.webhooks; i++) {
      hooks.push(
        await call(
          api.base,
          'POST',
          '/v1/webhooks',
          token,
          { url: 'http://127.0.0.1:9/', events: ['lead.created'], enabled: false },
          org.id,
        ),
      );
    }
    receiver = await startReceiver(hooks.map((h) => h.secret));
    for (const h of hooks) {
      await call(api.base, 'PATCH', `/v1/webhooks/${h.id}`, token, { url: receiver.url, enabled: true }, org.id);
    }
    const expected = cfg.events * cfg.webhooks;
    log(`committing ${cfg.events} leads (${expected} deliveries to ${cfg.webhooks} webhook(s))`);
    const cpuBefore = cpuSeconds(api.child.pid);
    const committed = await withClient(dbUrl, async (c) => {
      await c.query(
        `INSERT INTO leads (organization_id, name) SELECT $1::uuid, 'Bench lead ' || g FROM generate_series(1, $2::int) g`,
        [org.id, cfg.events],
      );
      return performance.now();
    });
    const deadline = committed + cfg.timeout * 1000;
    while (receiver.stats.verified < expected && performance.now() < deadline && api.child.exitCode === null) {
      await sleep(100);
    }
    const { stats } = receiver;
    const apiCpu = cpuSeconds(api.child.pid) - cpuBefore;
    const seconds = (stats.last - stats.first) / 1000;
    const result = {
      deliveries: stats.verified,
      expected,
      badSignatures: stats.bad,
      duplicates: stats.duplicates,
      deliveriesPerSecond: seconds > 0 ? Math.round(stats.verified / seconds) : null,
      firstDeliveryAfterCommitMs: Math.round(stats.first - committed),
      allDeliveredAfterCommitMs: Math.round(stats.last - committed),
      // Per delivery, the API process's own CPU (Node: dispatch, claim, sign, POST, record).
      apiCpuMsPerDelivery: stats.verified ? Number(((apiCpu * 1000) / stats.verified).toFixed(2)) : null,
      loadAverage: loadavg()[0],
      concurrency: cfg.concurrency,
      cpus: cpus().length,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (stats.verified < expected || stats.bad || stats.duplicates) {
      log(
        `FAILED: ${stats.verified}/${expected} delivered, ${stats.bad} bad signatures, ${stats.duplicates} duplicates`,
      );
      process.exitCode = 1;
    }
  } finally {
    api.child.kill('SIGTERM');
    await new Promise((r) => api.child.once('exit', r));
    receiver?.server.closeAllConnections();
    receiver?.server.close();
  }
}

await main();
