import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Flags for a headless Chromium that talks to nothing but the servers under test. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's chromium on PATH (Playwright's own browser download is not available here). Throws, never skips. */
export function findChromium(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'chromium');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    "chromium not found on PATH: the browser tests need Debian's chromium — run `apt-get install -y chromium` " +
      '(.ci/run installs it before `npm run test:browser`).',
  );
}

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches chromium through playwright-core with a fresh, throw-away user-data-dir. */
export async function launchChromium(): Promise<Chromium> {
  const executablePath = findChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'crm-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: FLAGS,
      timeout: 60_000,
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
