// Runs `prisma generate` on install. Prisma's CLI wants to download its schema
// engine first; generate never uses it, so when the engine is absent and its
// download host cannot be reached (offline or locked-down machines) we point
// PRISMA_SCHEMA_ENGINE_BINARY at an existing file and let generate proceed.
// With network access nothing is overridden and Prisma behaves as usual.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };

function engineDownloaded() {
  try {
    const dir = dirname(require.resolve('@prisma/engines/package.json'));
    return readdirSync(dir).some((f) => f.startsWith('schema-engine'));
  } catch {
    return false;
  }
}

async function mirrorReachable() {
  const mirror = process.env.PRISMA_ENGINES_MIRROR ?? 'https://binaries.prisma.sh';
  try {
    await fetch(mirror, { method: 'HEAD', signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !engineDownloaded() && !(await mirrorReachable())) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
  process.stderr.write('prisma-generate: engine host unreachable, generating without the schema engine\n');
}

const cli = require.resolve('prisma/build/index.js');
if (!existsSync(cli)) throw new Error('prisma CLI not installed: run npm ci');
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
