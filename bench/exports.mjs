// `npm run bench:exports`: GET /v1/exports/leads.csv over BENCH_EXPORT_ROWS leads (default
// 1,000,000), on Postgres (BENCH_DATABASE_URL, default the local server), issue 17 part 5.
//
// Starts the built API (production mode, --max-old-space-size=256) on a fresh database, seeds
// the leads of one organization in one INSERT … SELECT generate_series (as the owner, with
// triggers off: the audit and events triggers are not what is measured), then streams the
// export and samples the API's RSS every 100 ms. Prints rows, seconds, MB/s, rows/s and the
// API's RSS before and at its peak. Exit 1 when the export is short of a row.
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApi, freshDatabase, logger, num, rssMiB, serverUrl, signUpOwner, startApi, withClient } from './lib.mjs';

const cfg = {
  database: 'crm_bench_exports',
  rows: num('BENCH_EXPORT_ROWS', 1_000_000),
};
const log = logger();

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
  buildApi();
  const dbUrl = await freshDatabase(serverUrl, cfg.database);
  const api = await startApi({ databaseUrl: dbUrl, echo: true });
  const { base, child } = api;
  try {
    const { owner, org } = await signUpOwner(base, 'Exports', {
      email: `export-${Date.now()}@bench.test`,
      password: 'bench-password-123',
      fullName: 'Export Bench',
    });

    const seedStart = performance.now();
    await withClient(dbUrl, async (db) => {
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
    });
    log(`seeded ${cfg.rows} leads in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    await sleep(1000);
    const rssBefore = rssMiB(child.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB(child.pid))), 100);
    const start = performance.now();
    const got = await download(`${base}/v1/exports/leads.csv`, owner.accessToken, org.id);
    const seconds = (performance.now() - start) / 1000;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssMiB(child.pid));
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
    await api.stop();
  }
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});
