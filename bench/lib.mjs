// Start-up helpers the bench scripts share (imports, webhooks, exports, streams, lead-scoring,
// run): reading knobs from the environment, the bench's own Postgres database, the built API
// as a child process, its JSON routes, and the child's memory and CPU from Linux /proc.
// Each script keeps its own measurement; only what is the same code in all of them is here.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** The repository's root: the scripts run `npm run build` and dist/main.js from here. */
export const ROOT = resolve(import.meta.dirname, '..');

/** The Postgres server the benches use (BENCH_DATABASE_URL, any database of it; default the local one). */
export const serverUrl = process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The numeric environment variable `name`, or `fallback` when it is unset or empty. */
export const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);

/** A logger to stderr (stdout is the result's): `[prefix] message`, or the bare message without a prefix. */
export const logger =
  (prefix) =>
  (...parts) =>
    process.stderr.write(`${prefix ? `[${prefix}] ` : ''}${parts.join(' ')}\n`);

/** `npm run build`, unless BENCH_SKIP_BUILD=1; `log`, when given, hears `building` first. */
export function buildApi(log) {
  if (process.env.BENCH_SKIP_BUILD === '1') return;
  log?.('building');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

/** The URL of `database` on the server `server` (same user, host and options). */
export function databaseUrl(server, database) {
  const u = new URL(server);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn` with a connected pg.Client on `url`, and closes it after. */
export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Drops and creates `database` on `server`, then applies every migration with the project's
 * runner (dist/database/migrator.js, so build first). Returns the database's URL.
 */
export async function freshDatabase(server, database) {
  await withClient(server, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${database}"`);
  });
  const url = databaseUrl(server, database);
  const { migrate } = await import('../dist/database/migrator.js');
  const { pgSession } = await import('../dist/database/sql-session.js');
  const session = await pgSession(url);
  try {
    await migrate(session);
  } finally {
    await session.close();
  }
  return url;
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts the built API (dist/main.js) in production mode on a free port against `databaseUrl`,
 * with the bench's settings (local JWT auth, no Supabase, rate limits out of the way) plus
 * `env`, and waits (up to 90 s) until /health/ready answers.
 *   - nodeArgs: Node flags before the script (after --max-old-space-size=256, production's cap);
 *   - echo: also pass the API's output through to this process's (else only its last 20,000
 *     characters are kept, for the error when it does not start);
 *   - label: what the startup errors call it.
 * Returns { child, base, output(), stop() }; stop() sends SIGTERM and waits for the exit.
 */
export async function startApi({
  databaseUrl: url,
  poolSize = 10,
  env = {},
  nodeArgs = [],
  echo = false,
  label = 'API',
}) {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--max-old-space-size=256', 'dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: String(poolSize),
      MIGRATE_ON_BOOT: 'false',
      LOCAL_AUTH_JWT_SECRET: 'bench-local-secret-0123456789-abcdefghijklmnop',
      DATA_SOURCE_ENCRYPTION_KEY: 'ZGV2LW9ubHktZGF0YS1zb3VyY2Uta2V5LTMyYnl0ZXM=',
      SUPABASE_JWT_SECRET: '',
      SUPABASE_URL: '',
      RATE_LIMIT_PER_MINUTE: '1000000',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (to) => (d) => {
    output = (output + d).slice(-20_000);
    if (echo) to.write(d);
  };
  child.stdout.on('data', keep(process.stdout));
  child.stderr.on('data', keep(process.stderr));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`${label} exited during startup:\n${output}`);
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, base, output: () => output, stop };
  }
  await stop();
  throw new Error(`${label} not ready after 90 s:\n${output}`);
}

/**
 * One JSON request to the API at `base`, as `token` (a bearer token) in `orgId` (when given);
 * returns the parsed body (undefined when empty) and throws with the status and body on a non-2xx.
 */
export async function call(base, method, path, token, body, orgId) {
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

/**
 * Signs a new account up (by default a unique bench address with the bench's password; `account`
 * overrides) and creates an organization named `organizationName` that it owns.
 * Returns { owner (the signup's answer: accessToken, user), token, org }.
 */
export async function signUpOwner(base, organizationName, account = {}) {
  const owner = await call(base, 'POST', '/v1/auth/signup', null, {
    email: `bench-${Date.now()}@example.test`,
    password: 'Harbor-lights-2026',
    fullName: 'Bench Admin',
    ...account,
  });
  const org = await call(base, 'POST', '/v1/organizations', owner.accessToken, { name: organizationName });
  return { owner, token: owner.accessToken, org };
}

/** A process's resident set size in MiB (unrounded), or NaN once it is gone. */
export function rssMiB(pid) {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU time (user + system) a process has used so far, in ms; throws once it is gone. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU used so far by each Postgres backend serving the bench database (same machine
 * only; null otherwise): how much of a request's cost is the database's, for either target.
 */
export async function dbCpuByPid(monitor) {
  if (!monitor) return null;
  const { rows } = await monitor.query(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const byPid = new Map();
  for (const { pid } of rows) {
    try {
      byPid.set(pid, cpuMs(pid));
    } catch {
      if (!existsSync('/proc/1/stat')) return null; // not Linux
      // the backend exited meanwhile (or the server is not local: then no pid matches at all)
    }
  }
  return rows.length && !byPid.size ? null : byPid;
}

/** CPU the backends used between two snapshots: backends that exited were idle (pools drop idle ones). */
export function dbCpuDelta(before, after) {
  if (!before || !after) return null;
  let ms = 0;
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}
