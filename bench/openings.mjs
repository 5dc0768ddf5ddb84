// `npm run bench:openings`: what a unit of work's opening costs the database, exactly. CPU time
// read from /proc moves by ±15 µs a request from run to run on this machine, more than a key's
// opening and a JWT's differ; instructions counted by valgrind's callgrind do not move at all.
//
// 1. copies `crm_bench_keys` (made by `npm run bench:keys`: an owner, leads, an API key) into a
//    scratch cluster (initdb in a temporary directory, a free port);
// 2. runs that cluster's postmaster under callgrind, so every backend counts its instructions;
// 3. for a member (app.begin_request) and for the key (app.begin_key_request), sends what the
//    API sends for GET /v1/leads/{id} (src/database/tenant-db.ts, unit-of-work.ts): BEGIN and
//    the opening in one simple query, the lead's prepared SELECT, COMMIT; on two connections,
//    50 and 350 times, so the difference is 300 requests without the connection's own cost;
// 4. prints instructions per request, with and without the SELECT, and key ÷ JWT.
// Needs valgrind and the server's own binaries (pg_config --bindir); skipped without them.
// `npm run bench:keys` runs it too, for the database's part of its verdict.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { databaseUrl, freePort, logger, serverUrl, withClient } from './lib.mjs';

const tool = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};

/**
 * Instructions per request in the database, JWT and key: `opening` (BEGIN + opening + COMMIT)
 * and `whole` (with the lead's SELECT), counted in a copy of `source`. Null without valgrind.
 */
export async function countOpenings(source, log) {
  const bindir = tool('pg_config', ['--bindir']);
  if (!bindir || !tool('valgrind', ['--version'])) {
    log('callgrind skipped: needs valgrind and pg_config on the PATH');
    return null;
  }
  // initdb and postgres refuse to run as root: as root, the cluster is the postgres user's.
  const asRoot = process.getuid?.() === 0;
  const as = (cmd, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const run = (cmd, args) => execFileSync(...as(cmd, args), { stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = mkdtempSync(join(tmpdir(), 'crm-openings-'));
  if (asRoot) chownSync(dir, Number(tool('id', ['-u', 'postgres'])), Number(tool('id', ['-g', 'postgres'])));
  const data = join(dir, 'data');
  const port = await freePort();
  const scratch = `postgresql://postgres@127.0.0.1:${port}/crm_bench_keys`;
  const settings = ['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'autovacuum=off'];

  let postmaster;
  try {
    log(`copying ${new URL(source).pathname.slice(1)} into a scratch cluster (${dir})`);
    run(`${bindir}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    run(`${bindir}/pg_ctl`, ['-D', data, '-o', settings.join(' '), '-w', '-l', join(dir, 'log'), 'start']);
    const roles = execFileSync(`${bindir}/pg_dumpall`, ['--globals-only', '-d', source], { encoding: 'utf8' });
    const dump = execFileSync(`${bindir}/pg_dump`, ['-d', source], { encoding: 'utf8', maxBuffer: 1 << 28 });
    await withClient(scratch.replace('/crm_bench_keys', '/postgres'), async (c) => {
      // The scratch cluster's own superuser exists already: every other role is created.
      const wanted = (l) => /^(CREATE ROLE|ALTER ROLE|GRANT) /.test(l) && !/^(CREATE|ALTER) ROLE postgres\b/.test(l);
      for (const statement of roles.split('\n').filter(wanted)) await c.query(statement);
      await c.query('CREATE DATABASE crm_bench_keys');
    });
    execFileSync(`${bindir}/psql`, ['-q', '-v', 'ON_ERROR_STOP=1', '-d', scratch], {
      input: dump,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    run(`${bindir}/pg_ctl`, ['-D', data, '-w', 'stop']);

    log('starting it under callgrind');
    postmaster = spawn(
      ...as('valgrind', [
        '--tool=callgrind',
        '--trace-children=yes',
        `--callgrind-out-file=${dir}/cg.%p`,
        `${bindir}/postgres`,
        '-D',
        data,
        ...settings,
      ]),
      { stdio: 'ignore', detached: true },
    );
    for (let i = 0; ; i++) {
      try {
        await withClient(scratch, (c) => c.query('SELECT 1'));
        break;
      } catch (error) {
        if (i === 240) throw error;
        await sleep(500);
      }
    }

    const { hash, org, user, lead } = await withClient(scratch, async (c) => {
      const [k] = (
        await c.query(
          "SELECT encode(key_hash, 'hex') AS hash, organization_id AS org, created_by_id AS user FROM api_keys LIMIT 1",
        )
      ).rows;
      const [l] = (await c.query('SELECT id FROM leads WHERE organization_id = $1 LIMIT 1', [k.org])).rows;
      return { ...k, lead: l.id };
    });
    // As TenantDb writes them (its parameters inlined by unit-of-work.ts), for GET /v1/leads/{id}.
    const openings = {
      jwt: (id) =>
        `BEGIN; SELECT org_id, member_role, membership_count FROM app.begin_request('${user}'::uuid, '${org}'::uuid, '${id}')`,
      key: (id) =>
        `BEGIN; SELECT org_id, member_role, key_status, scopes FROM app.begin_key_request(E'\\\\x${hash}'::bytea, '${org}'::uuid, '${id}', false)`,
    };
    const select = {
      name: 'lead',
      text: 'select * from "leads" where "organization_id" = $1 and "id" = $2 and "deleted_at" is null',
      values: [org, lead],
    };

    /** Instructions a backend counted in its life, once it has exited and callgrind has written them. */
    const counted = async (pid) => {
      const file = join(dir, `cg.${pid}`);
      for (let i = 0; i < 600; i++) {
        const m = existsSync(file) && /^(?:totals|summary): (\d+)/m.exec(readFileSync(file, 'utf8'));
        if (m) return Number(m[1]);
        await sleep(100);
      }
      throw new Error(`callgrind wrote nothing for backend ${pid}`);
    };
    const perRequest = async (kind, withSelect) => {
      const totals = [];
      for (const n of [50, 350]) {
        const c = new pg.Client({ connectionString: scratch });
        await c.connect();
        const [{ pid }] = (await c.query('SELECT pg_backend_pid() AS pid')).rows;
        for (let i = 0; i < n; i++) {
          await c.query(openings[kind](randomUUID()));
          if (withSelect) await c.query(select);
          await c.query('COMMIT');
        }
        await c.end();
        totals.push(await counted(pid));
      }
      return (totals[1] - totals[0]) / 300;
    };

    const counts = {};
    for (const [part, withSelect] of [
      ['opening', false],
      ['whole', true],
    ]) {
      log(`counting: ${part === 'opening' ? 'BEGIN + opening + COMMIT' : 'the whole GET'}`);
      counts[part] = { jwt: await perRequest('jwt', withSelect), key: await perRequest('key', withSelect) };
    }
    return counts;
  } finally {
    if (postmaster) {
      try {
        process.kill(-postmaster.pid, 'SIGINT');
      } catch {
        // already gone
      }
      await new Promise((resolve) => (postmaster.exitCode !== null ? resolve() : postmaster.once('exit', resolve)));
    } else if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run(`${bindir}/pg_ctl`, ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // best effort: the directory goes either way
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The counts as `npm run bench:openings` and `npm run bench:keys` print them. */
export function formatCounts(counts) {
  const n = (v) => Math.round(v).toLocaleString('en');
  return [
    'database instructions per request (callgrind, 300 requests; exact, the same on every run):',
    ...[
      ['BEGIN + opening + COMMIT', counts.opening],
      ['the whole GET (with its SELECT)', counts.whole],
    ].map(
      ([label, { jwt, key }]) =>
        `  ${label.padEnd(32)} JWT ${n(jwt)}  key ${n(key)}  key ÷ JWT ${(key / jwt).toFixed(3)}×`,
    ),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const log = logger('bench:openings');
  const counts = await countOpenings(
    databaseUrl(serverUrl, process.env.BENCH_KEYS_DATABASE_NAME || 'crm_bench_keys'),
    log,
  );
  if (counts) process.stdout.write(`${formatCounts(counts).join('\n')}\n`);
}
