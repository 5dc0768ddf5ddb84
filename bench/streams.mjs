// `npm run bench:streams`: the realtime event stream under load (issue 16), on Postgres.
//
// Starts the built API (production mode) on a fresh database, opens BENCH_STREAMS
// concurrent SSE streams (GET /v1/events/stream) spread over BENCH_STREAM_MEMBERS members
// of one organization (a fifth of them AGENTs, who see only their own leads), then runs
// BENCH_WRITERS writers creating leads for BENCH_STREAM_SECONDS. Reports:
//   - memory: the API's RSS before and after opening the streams, per stream;
//   - delay from commit to delivery: each event's occurredAt is the commit's clock
//     (clock_timestamp() in the outbox trigger; same machine, same clock), compared with
//     the time the client read it — p50/p90/p99/max over every delivery;
//   - completeness: every non-AGENT stream must receive every event, in order, once.
// Exit 1 when a stream missed, repeated or reordered an event.
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApi, call, cpuMs, freshDatabase, logger, num, rssMiB, serverUrl, startApi, withClient } from './lib.mjs';

const cfg = {
  database: 'crm_bench_streams',
  streams: num('BENCH_STREAMS', 1000),
  members: num('BENCH_STREAM_MEMBERS', 50),
  writers: num('BENCH_WRITERS', 50),
  // Each writer's changes per second (0: as fast as the API answers).
  writeRate: num('BENCH_WRITE_RATE', 2),
  seconds: num('BENCH_STREAM_SECONDS', 20),
  // Writers assign each lead to an AGENT (a notification event too); 0: unassigned leads.
  assign: process.env.BENCH_ASSIGN !== '0',
};
const log = logger();

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** A minimal SSE reader: only what the measurement needs (id, occurredAt), parsed cheaply. */
function openStream(base, token, orgId, onEvent, timed) {
  return new Promise((ok, fail) => {
    const req = request(`${base}/v1/events/stream`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, 'x-organization-id': orgId },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) return fail(new Error(`stream: ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        const now = Date.now();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith('id: ')) continue;
          const id = Number(block.slice(4, block.indexOf('\n')));
          // Only the timed streams pay for reading the time: the client shares the machine.
          if (!timed) {
            onEvent(id);
            continue;
          }
          const at = block.indexOf('"occurredAt":"') + 14;
          onEvent(id, now - Date.parse(block.slice(at, block.indexOf('"', at))));
        }
      });
      ok(() => req.destroy());
    });
    req.on('error', fail);
    req.end();
  });
}

async function main() {
  buildApi();
  const dbUrl = await freshDatabase(serverUrl, cfg.database);
  // BENCH_CPU_PROFILE=1: a V8 CPU profile of the API in bench/results (node bench/profile-summary.mjs reads it).
  const profile = process.env.BENCH_CPU_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir=bench/results'] : [];
  const server = await startApi({ databaseUrl: dbUrl, nodeArgs: profile, echo: true });
  const { base, child } = server;
  try {
    const signup = (n) =>
      call(base, 'POST', '/v1/auth/signup', null, {
        email: `m${n}-${Date.now()}@bench.test`,
        password: 'bench-password-123',
        fullName: `Member ${n}`,
      });
    const owner = await signup(0);
    const org = await call(base, 'POST', '/v1/organizations', owner.accessToken, { name: 'Streams' });
    const agents = Math.floor(cfg.members / 5);
    const members = [{ token: owner.accessToken, id: owner.user.id, role: 'ADMIN' }];
    // POST /v1/members adds verified accounts only: the bench verifies its own as their emailed link would.
    await withClient(dbUrl, async (db) => {
      for (let n = 1; n < cfg.members; n++) {
        const s = await signup(n);
        const role = n <= agents ? 'AGENT' : 'MANAGER';
        await db.query('UPDATE profiles SET email_verified_at = now() WHERE id = $1', [s.user.id]);
        await call(base, 'POST', '/v1/members', owner.accessToken, { email: s.user.email, role }, org.id);
        members.push({ token: s.accessToken, id: s.user.id, role });
      }
    });
    const agentIds = members.filter((m) => m.role === 'AGENT').map((m) => m.id);

    // Warm up the write path, then measure memory with no stream open.
    for (let i = 0; i < 50; i++)
      await call(base, 'POST', '/v1/leads', owner.accessToken, { name: `Warm ${i}` }, org.id);
    await sleep(1000);
    const rssBefore = rssMiB(child.pid);

    const delays = [];
    const seen = []; // per stream: the ids it received
    const closers = [];
    for (let i = 0; i < cfg.streams; i++) {
      const m = members[i % members.length];
      const ids = [];
      seen.push({ role: m.role, ids });
      closers.push(
        await openStream(
          base,
          m.token,
          org.id,
          (id, delay) => {
            ids.push(id);
            if (delay !== undefined) delays.push(delay);
          },
          i % 10 === 0,
        ),
      );
    }
    await sleep(2000);
    const rssStreams = rssMiB(child.pid);

    // 50 writers, each a member creating leads assigned to an agent, at writeRate per second.
    const cpu = () => ({
      api: cpuMs(child.pid),
      client: process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000,
    });
    const cpuStart = cpu();
    let written = 0;
    const deadline = Date.now() + cfg.seconds * 1000;
    await Promise.all(
      Array.from({ length: cfg.writers }, async (_, w) => {
        const m = members[w % members.length];
        const writer = m.role === 'AGENT' ? members[0] : m;
        while (Date.now() < deadline) {
          const started = Date.now();
          await call(
            base,
            'POST',
            '/v1/leads',
            writer.token,
            {
              name: `Lead ${w}-${written}`,
              ...(cfg.assign && { assignedToId: agentIds[written % agentIds.length] }),
            },
            org.id,
          );
          written++;
          if (cfg.writeRate > 0) await sleep(Math.max(0, 1000 / cfg.writeRate - (Date.now() - started)));
        }
      }),
    );
    const cpuEnd = cpu();
    await sleep(3000);
    const rssAfter = rssMiB(child.pid);
    for (const close of closers) close();

    // Every non-AGENT stream saw every event (lead.created and the agents' notification
    // events are not theirs: count lead events by id continuity of what it was sent).
    const full = seen.filter((s) => s.role !== 'AGENT');
    const expected = Math.max(...full.map((s) => s.ids.length));
    const broken = full.filter(
      (s) => s.ids.length !== expected || s.ids.some((id, i) => i > 0 && id <= s.ids[i - 1]),
    ).length;
    delays.sort((x, y) => x - y);
    const result = {
      streams: cfg.streams,
      members: cfg.members,
      writers: cfg.writers,
      writeRatePerWriter: cfg.writeRate,
      seconds: cfg.seconds,
      leadsWritten: written,
      writesPerSecond: Math.round(written / cfg.seconds),
      deliveries: seen.reduce((n, st) => n + st.ids.length, 0),
      deliveriesPerSecond: Math.round(seen.reduce((n, st) => n + st.ids.length, 0) / cfg.seconds),
      timedDeliveries: delays.length,
      // Share of one core used during the writes: the API, and this client (1,000 sockets, 50 writers).
      cpuCores: {
        api: Number(((cpuEnd.api - cpuStart.api) / 1000 / cfg.seconds).toFixed(2)),
        client: Number(((cpuEnd.client - cpuStart.client) / 1000 / cfg.seconds).toFixed(2)),
      },
      delayMs: {
        p50: percentile(delays, 50),
        p90: percentile(delays, 90),
        p99: percentile(delays, 99),
        max: delays.at(-1),
      },
      rssMb: { before: Math.round(rssBefore), withStreams: Math.round(rssStreams), afterLoad: Math.round(rssAfter) },
      kbPerStream: Math.round(((rssStreams - rssBefore) * 1024) / cfg.streams),
      incompleteStreams: broken,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (broken > 0) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});
