import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import {
  CONFIG_DOCS_FILE,
  ENV_EXAMPLE_FILE,
  configVariables,
  renderConfigDocs,
  renderEnvExample,
} from './config-docs.cli.js';
import { configSchema, loadConfig } from './config.js';

describe('configuration docs generated from configSchema', () => {
  it('describes every variable of the schema, in a section', () => {
    expect(configVariables().map((v) => v.name)).toEqual(Object.keys(configSchema.shape));
  });

  it('matches the committed docs/configuration.md (run `npm run config:docs` after changing src/config/config.ts)', async () => {
    expect(readFileSync(CONFIG_DOCS_FILE, 'utf8')).toBe(await renderConfigDocs());
  });

  it('matches the committed .env.example (run `npm run config:docs` after changing src/config/config.ts)', () => {
    expect(readFileSync(ENV_EXAMPLE_FILE, 'utf8')).toBe(renderEnvExample());
  });

  it('.env.example works as copied: every variable present and empty, and it loads', () => {
    const env = parseEnv(renderEnvExample());
    expect(Object.keys(env).sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(Object.values(env).every((v) => v === '')).toBe(true);
    const dataDir = mkdtempSync(join(tmpdir(), 'cfg-docs-'));
    try {
      // Empty means unset: the copied file configures exactly what no environment at all does.
      expect(loadConfig({ ...env, DATA_DIR: dataDir })).toEqual(loadConfig({ DATA_DIR: dataDir }));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
