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
import { createWriteStream, openAsBlob, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApi, call, freshDatabase, logger, num, rssMiB, serverUrl, signUpOwner, startApi } from './lib.mjs';

const cfg = {
  database: process.env.BENCH_IMPORTS_DATABASE_NAME || 'crm_bench_imports',
  rows: num('BENCH_ROWS', 100_000),
  batchSize: num('BENCH_BATCH_SIZE', 500),
  poolSize: num('BENCH_POOL_SIZE', 10),
  timeout: num('BENCH_TIMEOUT', 900),
};
const log = logger('bench:imports');

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
  buildApi(log);
  log(`recreating ${cfg.database}`);
  const dbUrl = await freshDatabase(serverUrl, cfg.database);
  const file = join(tmpdir(), `bench-imports-${process.pid}.csv`);
  log(`writing ${cfg.rows} rows to ${file}`);
  await writeCsv(file);
  const api = await startApi({
    databaseUrl: dbUrl,
    poolSize: cfg.poolSize,
    env: { IMPORT_BATCH_SIZE: String(cfg.batchSize) },
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, Math.round(rssMiB(api.child.pid)) || 0);
  }, 100);
  try {
    const { token, org } = await signUpOwner(api.base, 'Import bench');
    const rssBefore = Math.round(rssMiB(api.child.pid));
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
    await api.stop();
  }
}

await main();
