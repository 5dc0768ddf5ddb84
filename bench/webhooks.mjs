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
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import {
  buildApi,
  call,
  cpuMs,
  freshDatabase,
  logger,
  num,
  serverUrl,
  signUpOwner,
  startApi,
  withClient,
} from './lib.mjs';

const cfg = {
  database: process.env.BENCH_WEBHOOKS_DATABASE_NAME || 'crm_bench_webhooks',
  events: num('BENCH_EVENTS', 2000),
  webhooks: num('BENCH_WEBHOOKS', 1),
  concurrency: num('BENCH_DELIVERY_CONCURRENCY', 64),
  poolSize: num('BENCH_POOL_SIZE', 10),
  timeout: num('BENCH_TIMEOUT', 120),
};
const log = logger('bench:webhooks');

/** CPU seconds a process has used, to tell the API's cost from a busy machine's; NaN once it is gone. */
function cpuSeconds(pid) {
  try {
    return cpuMs(pid) / 1000;
  } catch {
    return NaN;
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

async function main() {
  buildApi(log);
  log(`recreating ${cfg.database}`);
  const dbUrl = await freshDatabase(serverUrl, cfg.database);
  const api = await startApi({
    databaseUrl: dbUrl,
    poolSize: cfg.poolSize,
    env: {
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_DELIVERY_CONCURRENCY: String(cfg.concurrency),
      WEBHOOK_DISPATCH_INTERVAL_MS: '200',
    },
  });
  let receiver;
  try {
    const { token, org } = await signUpOwner(api.base, 'Webhook bench');
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
    await api.stop();
    receiver?.server.closeAllConnections();
    receiver?.server.close();
  }
}

await main();
