import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './net.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Only what a shell needs: nothing of the test run (DATABASE_URL, TEST_DATABASE_URL, NODE_ENV=test, NODE_OPTIONS). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'].filter((k) => process.env[k] !== undefined);
  return { ...Object.fromEntries(keep.map((k) => [k, process.env[k]])), ...extra };
}

/** `npm run build` into dist/, so what runs is the current sources. */
export async function buildDist(): Promise<void> {
  try {
    await promisify(execFile)('npm', ['run', 'build'], {
      cwd: REPO_ROOT,
      env: cleanEnv(),
      timeout: 180_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm run build failed: ${message}\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
}

export interface BuiltServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Its DATA_DIR, new and empty before the boot. */
  dataDir: string;
  /** Everything the server wrote so far (stdout and stderr, the last 64 KiB), for failure messages. */
  output(): string;
  /** SIGTERM, wait for the exit (SIGKILL after 15 s), remove the data directory. */
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;

/**
 * Starts `node dist/main.js` as `npm start` would on a new machine: a fresh DATA_DIR (so the embedded
 * database boots for the first time), no DATABASE_URL, no .env (its working directory is an empty
 * temporary one), on a free port. Resolves once /health/ready answers 200.
 */
export async function startBuiltServer(env: Record<string, string> = {}): Promise<BuiltServer> {
  const root = mkdtempSync(join(tmpdir(), 'crm-built-'));
  const cwd = join(root, 'cwd');
  mkdirSync(cwd);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = join(root, 'data');
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'dist/main.js')], {
    cwd,
    env: cleanEnv({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const server: BuiltServer = {
    url,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await waitForReady(url, child, 120_000);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`, { cause: error });
  }
  return server;
}

async function waitForReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`node dist/main.js exited (code ${child.exitCode}, signal ${child.signalCode}) before ready`);
    }
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${url}/health/ready did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}
