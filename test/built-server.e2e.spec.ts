import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDist, cleanEnv, REPO_ROOT, startBuiltServer, type BuiltServer } from './helpers/built-server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const README_API = 'API=http://localhost:3000';

/** The ```sh blocks of README.md's "## Try it" section, dedented out of their list items, in order. */
function tryItBlocks(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Try it$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('README.md has no "## Try it" section');
  const blocks = [...section.matchAll(/^( *)```sh\n([\s\S]*?)^ *```$/gm)].map(([, indent, body]) =>
    body.replace(new RegExp(`^${indent}`, 'gm'), ''),
  );
  if (!blocks.length) throw new Error('README.md\'s "## Try it" section has no ```sh blocks');
  return blocks;
}

/**
 * Wraps curl in a function that records each call (arguments, response headers, body) in `dir`
 * and passes everything through unchanged, so the README's commands run verbatim and the test
 * can still see every status code.
 */
const RECORD_CURL = `curl() {
  local n
  n=$(( $(cat "$TRY_IT_RECORDS/count" 2>/dev/null || echo 0) + 1 ))
  echo "$n" > "$TRY_IT_RECORDS/count"
  printf '%s\\0' "$@" > "$TRY_IT_RECORDS/$n.args"
  command curl -D "$TRY_IT_RECORDS/$n.headers" "$@" | tee "$TRY_IT_RECORDS/$n.body"
}
`;

interface CurlCall {
  method: string;
  url: URL;
  args: string[];
  status: number;
  body: any;
}

function readCalls(dir: string): CurlCall[] {
  const calls: CurlCall[] = [];
  for (let n = 1; existsSync(join(dir, `${n}.args`)); n++) {
    const args = readFileSync(join(dir, `${n}.args`), 'utf8')
      .split('\0')
      .slice(0, -1);
    const headers = existsSync(join(dir, `${n}.headers`)) ? readFileSync(join(dir, `${n}.headers`), 'utf8') : '';
    const text = existsSync(join(dir, `${n}.body`)) ? readFileSync(join(dir, `${n}.body`), 'utf8') : '';
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const statuses = [...headers.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((m) => Number(m[1]));
    const x = args.indexOf('-X');
    calls.push({
      method: x >= 0 ? args[x + 1] : 'GET',
      url: new URL(args.find((a) => /^https?:\/\//.test(a)) ?? 'invalid:'),
      args,
      status: statuses.at(-1) ?? 0,
      body,
    });
  }
  return calls;
}

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: CurlCall[];
}

/** Runs the README's Try it blocks in one `bash -euo pipefail` script against `api`. */
async function runTryIt(api: string): Promise<ScriptRun> {
  const script = tryItBlocks().join('\n');
  const apiLines = script.split('\n').filter((line) => line === README_API).length;
  if (apiLines !== 1) throw new Error(`Expected the line "${README_API}" once in README's Try it, found ${apiLines}`);
  const dir = mkdtempSync(join(tmpdir(), 'crm-try-it-'));
  try {
    const file = join(dir, 'try-it.sh');
    // Only the base URL changes: the server under test listens on a free port, not on 3000.
    writeFileSync(file, RECORD_CURL + script.replace(README_API, `API=${api}`));
    const child = spawn('bash', ['-euo', 'pipefail', file], {
      cwd: dir,
      env: cleanEnv({ TRY_IT_RECORDS: dir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((done) => child.once('close', done));
    clearTimeout(timer);
    return { code, stdout, stderr, calls: readCalls(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The shipped build on a new machine: `npm run build`, then `node dist/main.js` on a fresh DATA_DIR
 * (the embedded database's first boot, even when the suite runs on Postgres), then README's Try it.
 */
describe('built server: README "Try it" against node dist/main.js on a fresh DATA_DIR', () => {
  let server: BuiltServer;
  let run: ScriptRun;

  beforeAll(async () => {
    await buildDist();
    server = await startBuiltServer();
    run = await runTryIt(server.url);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  /** Runs assertions; a failure also shows the script's output and the server's log. */
  function explain(assertions: () => void): void {
    try {
      assertions();
    } catch (error) {
      (error as Error).message +=
        `\n--- Try it script (exit ${run.code}) stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}` +
        `\n--- server output ---\n${server.output()}`;
      throw error;
    }
  }

  function call(method: string, path: string): CurlCall {
    const found = run.calls.find((c) => c.method === method && c.url.pathname === path);
    explain(() => expect(found && `${found.method} ${found.url.pathname}`).toBe(`${method} ${path}`));
    return found!;
  }

  const signup = () => call('POST', '/v1/auth/signup');
  const org = () => call('POST', '/v1/organizations');
  const lead = () => call('POST', '/v1/leads');
  const auth = () => ({ authorization: `Bearer ${signup().body.accessToken}`, 'x-organization-id': org().body.id });

  it('boots on the embedded database in its fresh DATA_DIR', () => {
    explain(() => expect(existsSync(join(server.dataDir, 'pglite'))).toBe(true));
  });

  it('runs every step of the script to the end', () => {
    explain(() => expect(run.code).toBe(0));
  });

  it('1. signup answers 201 with an access token, which the later steps send', () => {
    explain(() => {
      expect(signup()).toMatchObject({ status: 201, body: { accessToken: expect.stringMatching(/^ey/) } });
      expect(org().args).toContain(`authorization: Bearer ${signup().body.accessToken}`);
    });
  });

  it('2–3. the organization and the lead are created with UUIDs, which the later steps send', () => {
    explain(() => {
      expect(org()).toMatchObject({ status: 201, body: { id: expect.stringMatching(UUID), name: 'Harbor Realty' } });
      expect(lead()).toMatchObject({
        status: 201,
        body: { id: expect.stringMatching(UUID), name: 'Maria Gonzalez', score: 'HOT', status: 'NEW_LEAD' },
      });
      expect(lead().args).toContain(`x-organization-id: ${org().body.id}`);
    });
  });

  it('4. the PATCH answers 200 with status IN_CONTACT', () => {
    const patch = call('PATCH', `/v1/leads/${lead().body.id}`);
    explain(() => expect(patch).toMatchObject({ status: 200, body: { id: lead().body.id, status: 'IN_CONTACT' } }));
  });

  it('5. the filtered list answers 200 with exactly that lead', () => {
    const list = call('GET', '/v1/leads');
    explain(() => {
      expect(list.url.searchParams.get('status')).toBe('NEW_LEAD,IN_CONTACT');
      expect(list).toMatchObject({ status: 200, body: { meta: { total: 1 } } });
      expect(list.body.data.map((l: { id: string; status: string }) => [l.id, l.status])).toEqual([
        [lead().body.id, 'IN_CONTACT'],
      ]);
    });
  });

  it.each([
    ['status=NEW_LEAD', []],
    ['status=IN_CONTACT', ['Maria Gonzalez']],
    ['score=HOT', ['Maria Gonzalez']],
    ['source=REFERRAL', ['Maria Gonzalez']],
  ])('GET /v1/leads?%s answers 200 on the first boot', async (filter, names) => {
    const res = await fetch(`${server.url}/v1/leads?${filter}`, { headers: auth() });
    const body = (await res.json()) as any;
    // An error answer shows up whole in place of the names.
    const received = { status: res.status, names: body.data?.map((l: { name: string }) => l.name) ?? body };
    explain(() => expect(received).toEqual({ status: 200, names }));
  });
});
